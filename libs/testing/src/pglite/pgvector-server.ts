import { spawn, type ChildProcess } from 'node:child_process';
import { WORKSPACE_ROOT } from '../test-services';

/**
 * PGlite (PostgreSQL 18 in WASM) with pgvector 0.8 and unaccent, served over the wire protocol on a
 * loopback port by @electric-sql/pglite-socket, in a child process: PGlite loads its parts with
 * dynamic `import()`, which Jest's module sandbox refuses. `pg` and TypeORM connect to it as to any
 * PostgreSQL. Limits (DEPENDENCIES.md): one backend, so queries serialise; keep data ≤ 20k rows.
 */
const SERVER_SOURCE = `
const { PGlite } = require('@electric-sql/pglite');
const { vector } = require('@electric-sql/pglite-pgvector');
const { unaccent } = require('@electric-sql/pglite/contrib/unaccent');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');
(async () => {
  const db = await PGlite.create({ extensions: { vector, unaccent } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS unaccent;');
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 100 });
  await server.start();
  process.stdout.write('LISTENING ' + server.getServerConn() + '\\n');
  const stop = async () => { await server.stop(); await db.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
`;

export interface PgvectorServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  close(): Promise<void>;
}

export async function startPgvectorServer(timeoutMs = 120_000): Promise<PgvectorServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER_SOURCE], {
    cwd: WORKSPACE_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`PGlite did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /LISTENING (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PGlite exited (${code}): ${stderr.slice(0, 2000)}`));
    });
  });
  return {
    url: `postgres://postgres@${address}/postgres`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
