#!/usr/bin/env node
// npm run bench: requests/s and p99 latency of GET /health/live on the built api-server against a
// bare node:http server answering the same JSON, measured in one run (alternating rounds, so machine
// noise hits both) and printed as ratios. Loopback only. Not part of the test run.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { runDbCli } from '../lib/db.mjs';
import { localEnv } from '../lib/env.mjs';
import { ensurePostgres, ensureRedis } from '../lib/services.mjs';
import { bin, ensureDependencies, log, ROOT, run } from '../lib/workspace.mjs';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

ensureDependencies();
const env = localEnv();
const dataDir = env.PPT_DATA_DIR || join(ROOT, '.data');
const services = [
  await ensurePostgres(env.DATABASE_MIGRATION_URL, join(dataDir, 'postgres')),
  await ensureRedis(env.REDIS_URL, join(dataDir, 'redis')),
];
let api;
let bare;
try {
  if ((await runDbCli('provision', env)) !== 0 || (await runDbCli('up', env)) !== 0) throw new Error('database set-up failed');
  if ((await run(bin('nx'), ['build', 'api-server', '--output-style=stream'], { env: { ...process.env, NX_DAEMON: 'false' } })) !== 0) {
    throw new Error('build failed');
  }

  const body = JSON.stringify({ status: 'ok' });
  bare = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const barePort = bare.address().port;

  const apiPort = 3900;
  api = spawn(process.execPath, [join(ROOT, 'dist/apps/api-server/main.js')], {
    cwd: ROOT,
    env: { ...env, API_PORT: String(apiPort), LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(`http://127.0.0.1:${apiPort}/health/live`);

  const measure = async (port) => {
    const result = await autocannon({ url: `http://127.0.0.1:${port}/health/live`, connections: CONNECTIONS, duration: DURATION_S });
    if (result.non2xx || result.errors) throw new Error(`non-2xx: ${result.non2xx}, errors: ${result.errors}`);
    return { rps: result.requests.average, p99: result.latency.p99 };
  };
  await measure(apiPort); // warm-up (JIT, connection pools)
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const b = await measure(barePort);
    const a = await measure(apiPort);
    rounds.push({ bare: b, api: a });
    log(`round ${i + 1}: bare ${b.rps.toFixed(0)} req/s p99 ${b.p99} ms | api-server ${a.rps.toFixed(0)} req/s p99 ${a.p99} ms`);
  }
  const median = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const rpsRatio = median(rounds.map((r) => r.api.rps / r.bare.rps));
  const p99Ratio = median(rounds.map((r) => r.api.p99 / Math.max(r.bare.p99, 1)));
  log(`GET /health/live, ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION_S} s each, median of rounds:`);
  log(`  throughput api-server / bare node:http = ${rpsRatio.toFixed(2)}`);
  log(`  p99 latency api-server / bare node:http = ${p99Ratio.toFixed(2)}`);
} finally {
  api?.kill('SIGTERM');
  bare?.close();
  for (const service of services.reverse()) await service.stop().catch(() => undefined);
}

async function waitFor(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}
