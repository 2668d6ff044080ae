#!/usr/bin/env node
// npm start: the whole system on this machine. Installs dependencies when missing, uses PostgreSQL
// and Redis at the configured URLs or starts local ones, provisions and migrates the database,
// builds both apps and runs them with their workers until Ctrl-C (or SIGTERM).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runDbCli, runTypeScript } from '../lib/db.mjs';
import { localEnv, realityEnv, workerEnv } from '../lib/env.mjs';
import { ensurePostgres, ensureRedis, portOpen } from '../lib/services.mjs';
import { bin, ensureDependencies, log, ROOT, run } from '../lib/workspace.mjs';

ensureDependencies();
const env = localEnv();
const services = [];
const children = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('Stopping…');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const service of services.reverse()) await service.stop().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

async function waitReady(name, port, timeoutMs = 90000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}

try {
  const ports = {
    api: Number(env.API_PORT ?? 3000),
    apiWorker: Number(env.API_WORKER_PORT ?? 3100),
    reality: Number(env.REALITY_PORT ?? 3001),
    realityWorker: Number(env.REALITY_WORKER_PORT ?? 3101),
  };
  for (const [name, port] of Object.entries(ports)) {
    if (await portOpen('127.0.0.1', port)) throw new Error(`Port ${port} (${name}) is already in use; stop what uses it or set its *_PORT variable.`);
  }

  // The portal reaches api-server where this script runs it, unless told otherwise.
  env.API_SERVER_URL ||= `http://127.0.0.1:${ports.api}`;
  // Portals and webhook receivers tried out locally run on this machine: allow-listed here, explicitly.
  env.OUTBOUND_ALLOWED_CIDRS ||= '127.0.0.1/32,::1/128';

  const dataDir = env.PPT_DATA_DIR || join(ROOT, '.data');
  services.push(await ensurePostgres(env.DATABASE_MIGRATION_URL, join(dataDir, 'postgres')));
  services.push(await ensureRedis(env.REDIS_URL, join(dataDir, 'redis')));

  log('Provisioning and migrating the database…');
  if ((await runDbCli('provision', env)) !== 0) throw new Error('database provisioning failed');
  if ((await runDbCli('up', env)) !== 0) throw new Error('migrations failed');
  // The portal signs visitors in and delivers inquiries as its own OAuth client on api-server.
  const client = await runTypeScript(
    'apps/api-server/src/cli/admin.cli.ts',
    ['ensure-client', '--client-id', env.SSO_CLIENT_ID ?? 'reality-server', '--name', 'Reality Portal', '--scopes', 'sso:introspect,listings:inquiries'],
    { ...env, OAUTH_CLIENT_SECRET: env.SSO_CLIENT_SECRET ?? '' },
  );
  if (client !== 0) throw new Error("could not set up the portal's OAuth client");

  log('Building api-server and reality-server…');
  const built = await run(bin('nx'), ['run-many', '-t', 'build', '-p', 'api-server,reality-server', '--output-style=stream'], {
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (built !== 0) throw new Error('build failed');

  // Each service connects as its own database role (the portal's reaches schema portal only).
  const processes = [
    ['api-server', 'dist/apps/api-server/main.js', env],
    ['api-worker', 'dist/apps/api-server/worker.js', workerEnv(env)],
    ['reality-server', 'dist/apps/reality-server/main.js', realityEnv(env)],
    ['reality-worker', 'dist/apps/reality-server/worker.js', realityEnv(env)],
  ];
  for (const [name, entry, processEnv] of processes) {
    const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, entry)], { cwd: ROOT, env: processEnv, stdio: 'inherit' });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      log(`${name} exited (${signal ?? code}); stopping the rest`);
      stopAll(1);
    });
    children.push({ name, child });
  }

  await Promise.all([
    waitReady('api-server', ports.api),
    waitReady('api-worker', ports.apiWorker),
    waitReady('reality-server', ports.reality),
    waitReady('reality-worker', ports.realityWorker),
  ]);
  log('Everything is up:');
  log(`  PM API          http://localhost:${ports.api}/api/v1   (docs: http://localhost:${ports.api}/api/docs)`);
  log(`  Reality Portal  http://localhost:${ports.reality}/api/v1   (docs: http://localhost:${ports.reality}/api/docs)`);
  log(`  Bull Board      http://localhost:${ports.api}/admin/queues   (sign in as a platform admin at /admin/login: npm run admin -- create-admin)`);
  log(`  Health/metrics  /health/live, /health/ready, /metrics on ports ${Object.values(ports).join(', ')}`);
  log('Demo data: npm run seed (in another terminal). Press Ctrl-C to stop.');
} catch (err) {
  process.stderr.write(`[ppt] ${err.message}\n`);
  await stopAll(1);
}
