import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from './closed-port';

export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills it (like a crash); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free loopback port, for tests that must stop Redis or
 * change its configuration without touching the shared one.
 */
export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const binary = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!binary)
    throw new Error('redis-server is not installed (npm test installs it when it starts a local Redis)');
  const dir = mkdtempSync(join(tmpdir(), 'ppt-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = await launch(binary, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extraArgs,
    ]);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
    await waitForPort(port, false);
  };
  // A free port can be taken by another process before redis-server binds it: try another one.
  for (let attempt = 1; ; attempt++) {
    port = await closedPort();
    try {
      await start();
      break;
    } catch (err) {
      if (attempt === 3) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts redis-server and resolves once it says it accepts connections, so a port that something
 * else holds is never mistaken for ours; rejects with its last output if it exits first.
 */
function launch(binary: string, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2000);
      if (/Ready to accept connections/.test(output)) {
        child.removeListener('exit', onExit);
        output = '';
        child.stdout?.removeListener('data', collect).resume(); // keep draining its log
        resolve(child);
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`redis-server exited (${code}) while starting:\n${output.trim()}`));
    child.stdout?.on('data', collect);
    child.stderr?.resume();
    child.once('exit', onExit);
  });
}

async function waitForPort(port: number, open: boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await isOpen(port)) === open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server port ${port} did not become ${open ? 'open' : 'closed'}`);
}

function isOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
