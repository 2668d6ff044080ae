#!/usr/bin/env node
// npm run bench:syndication — listing syndication through the real queue: BENCH_LISTINGS (1,000) listings
// published to 3 portals each — Sreality and a Standard Webhooks receiver (the local fake portal servers
// of libs/testing, BENCH_PORTAL_LATENCY_MS = 10 ms per call) and our own Reality Portal (its read model,
// applied by the reality-server worker). Sreality takes CZ/SK listings and OpenImmo DE/AT/CH ones, so no
// listing can go to both; our own portal is the third target every listing really has.
// Built apps from dist with NODE_ENV=production; its own database (ppt_bench_syndication, dropped
// before and after) and Redis key prefix. Prints portal jobs/s, p50/p95 from publish (POST /status
// answered) to active (the row's lastSuccessAt) per portal, wall time and the workers' CPU. Then the
// same in a second organisation whose webhook portal hangs BENCH_HANG_MS (30 s) per call, and the
// ratio of the other portals' p95 to the calm run's (must stay ≤ 1.2×, exit 1 otherwise). Not a test.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import pg from 'pg';
import { runDbCli } from '../lib/db.mjs';
import { localEnv, workerEnv } from '../lib/env.mjs';
import { markEmailVerified } from '../lib/verify-email.mjs';
import { ensurePostgres, ensureRedis } from '../lib/services.mjs';
import { bin, ensureDependencies, log, ROOT, run } from '../lib/workspace.mjs';

const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 1000);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 8);
const PHOTOS = 3;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 900) * 1000;
const PORTS = { api: 3920, apiWorker: 3921, portalWorker: 3922 };
const PORTALS = ['sreality', 'webhook', 'reality-portal'];
/** The portals whose pace is compared while the webhook portal hangs. */
const OTHERS = ['sreality', 'reality-portal'];
const DATABASE = 'ppt_bench_syndication';
const TICK_S = 1 / 100; // USER_HZ on Linux

ensureDependencies();
const base = localEnv();
const withDatabase = (url) => Object.assign(new URL(url), { pathname: `/${DATABASE}` }).toString();
const storageRoot = mkdtempSync(join(tmpdir(), 'ppt-bench-syndication-'));
const env = {
  ...base,
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  OTEL_SDK_DISABLED: 'true',
  DATABASE_URL: withDatabase(base.DATABASE_URL),
  DATABASE_MIGRATION_URL: withDatabase(base.DATABASE_MIGRATION_URL),
  REDIS_KEY_PREFIX: `bench-syn-${process.pid}:`,
  STORAGE_DRIVER: 'local',
  STORAGE_LOCAL_ROOT: storageRoot,
  API_PUBLIC_URL: `http://127.0.0.1:${PORTS.api}`,
  API_SERVER_URL: `http://127.0.0.1:${PORTS.api}`,
  OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
  // Production refuses MAIL_TRANSPORT=log; the bench sends no mail it needs (account e-mails fail and retry).
  MAIL_TRANSPORT: 'smtp',
  SMTP_URL: 'smtp://127.0.0.1:9',
};
const dataDir = base.PPT_DATA_DIR || join(ROOT, '.data');
const services = [
  await ensurePostgres(base.DATABASE_MIGRATION_URL, join(dataDir, 'postgres')),
  await ensureRedis(base.REDIS_URL, join(dataDir, 'redis')),
];
const children = [];
try {
  await dropDatabase();
  if ((await runDbCli('provision', env)) !== 0 || (await runDbCli('up', env)) !== 0) throw new Error('database set-up failed');
  const built = await run(bin('nx'), ['run-many', '-t', 'build', '-p', 'api-server,reality-server', '--output-style=stream'], {
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  if (built !== 0) throw new Error('build failed');

  const portals = await startPortals();
  const apiUrl = `http://127.0.0.1:${PORTS.api}`;
  const api = start('dist/apps/api-server/main.js', { API_PORT: PORTS.api });
  const worker = start('dist/apps/api-server/worker.js', {
    DATABASE_URL: withDatabase(workerEnv(base).DATABASE_URL),
    API_WORKER_PORT: PORTS.apiWorker,
  });
  // The portal worker connects as the portal's own role (the boot check refuses api-server's).
  const portalWorker = start('dist/apps/reality-server/worker.js', {
    REALITY_WORKER_PORT: PORTS.portalWorker,
    DATABASE_URL: withDatabase(env.REALITY_DATABASE_URL),
  });
  for (const port of Object.values(PORTS)) await waitFor(`http://127.0.0.1:${port}/health/ready`);
  runOrganization.context = { apiUrl, portals, processes: { api, worker, portalWorker } };

  const calm = await runOrganization('calm', portals.webhook.url, PORTALS);
  // The same again in a second organisation whose webhook portal hangs BENCH_HANG_MS (30 s) per call:
  // the other portals must keep their pace (publish → active p95 within 1.2× of the calm run).
  const hanging = await runOrganization('hanging', portals.hanging.url, OTHERS);
  const held = await (await fetch(portals.stats)).json();
  log(`one portal hanging ${(Number(process.env.BENCH_HANG_MS ?? 30_000) / 1000).toFixed(0)} s per call (webhook, at most ${held.hanging.maxOpen} calls open at once):`);
  let within = true;
  for (const portal of OTHERS) {
    const ratio = hanging.p95[portal] / calm.p95[portal];
    within &&= ratio <= 1.2;
    log(`  ${portal.padEnd(14)} p95 ${(hanging.p95[portal] / 1000).toFixed(2)} s vs ${(calm.p95[portal] / 1000).toFixed(2)} s calm = ${ratio.toFixed(2)}× (limit 1.2×)`);
  }
  if (held.sreality.adverts !== 2 * LISTINGS || held.sreality.photos !== 2 * LISTINGS * PHOTOS || held.webhook.listings !== LISTINGS)
    throw new Error('the portals do not hold exactly one advert per listing');
  if (!within) throw new Error('a hanging portal slowed the others down by more than 1.2×');
} catch (err) {
  process.stderr.write(`[ppt] bench failed: ${err.message}\n`);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await dropDatabase().catch(() => undefined);
  await dropRedisKeys().catch(() => undefined);
  rmSync(storageRoot, { recursive: true, force: true });
  for (const service of services.reverse()) await service.stop().catch(() => undefined);
}

/**
 * One organisation with Sreality, a webhook portal at `webhookUrl` and our own portal: LISTINGS
 * listings created, then published PARALLEL at a time; waits until every portal in `settle` shows
 * them all active, and returns publish → active p95 per portal (ms).
 */
async function runOrganization(label, webhookUrl, settle) {
  const { apiUrl, portals } = runOrganization.context;
  const email = `bench-${label}-${Date.now()}@example.com`;
  const password = 'benchmark password 1';
  await call('POST', `${apiUrl}/api/v1/auth/register`, undefined, { email, password, displayName: 'Bench' });
  await markEmailVerified(env.DATABASE_MIGRATION_URL, email);
  const { accessToken } = await call('POST', `${apiUrl}/api/v1/auth/login`, undefined, { email, password });
  const org = await call('POST', `${apiUrl}/api/v1/organizations`, accessToken, { name: `Bench ${label} ${Date.now()}` });
  const { accessToken: token } = await call('POST', `${apiUrl}/api/v1/auth/switch-organization`, accessToken, { organizationId: org.id });
  await call('PUT', `${apiUrl}/api/v1/syndication/portals/sreality`, token, {
    credentials: portals.sreality.credentials,
    options: { endpoint: portals.sreality.url },
  });
  await call('PUT', `${apiUrl}/api/v1/syndication/portals/webhook`, token, {
    credentials: { secrets: [portals.webhook.secret] },
    options: { endpoint: webhookUrl },
  });

  // A few photos, uploaded once and shared by every listing.
  const photoIds = [];
  for (let i = 0; i < PHOTOS; i++) photoIds.push(await upload(apiUrl, token, Buffer.from(portals.photo, 'base64'), `photo-${i}.jpg`));
  log(`[${label}] creating ${LISTINGS} listings…`);
  const ids = await pooled(LISTINGS, async (i) =>
    (
      await call('POST', `${apiUrl}/api/v1/listings`, token, {
        transaction: i % 3 === 0 ? 'rent' : 'sale',
        propertyType: 'apartment',
        // What Sreality needs for a flat beyond our own fields (its building, condition, ownership).
        portalOverrides: { sreality: { buildingType: 'brick', buildingCondition: 'very_good', ownership: 'personal' } },
        title: `Bench flat ${i + 1}`,
        description: `Flat ${i + 1} of the benchmark: bright, third floor, balcony and cellar, near the tram stop.`,
        priceAmount: 500_000_00 + i * 100_00,
        currency: 'CZK',
        areaM2: 40 + (i % 60),
        rooms: 1 + (i % 4),
        addressLine: `Benchmarková ${i + 1}`,
        city: 'Praha',
        postalCode: '120 00',
        country: 'CZ',
        photoDocumentIds: photoIds,
      })
    ).id,
  );

  log(`[${label}] publishing ${LISTINGS} listings to ${PORTALS.length} portals (${PARALLEL} requests at a time)…`);
  const { worker, portalWorker, api } = runOrganization.context.processes;
  const cpu0 = { worker: cpuS(worker), portalWorker: cpuS(portalWorker), api: cpuS(api) };
  const t0 = Date.now();
  const publishedAt = new Map();
  await pooled(LISTINGS, async (i) => {
    await call('POST', `${apiUrl}/api/v1/listings/${ids[i]}/status`, token, { status: 'published' });
    publishedAt.set(ids[i], Date.now());
  });
  const publishMs = Date.now() - t0;

  const expected = LISTINGS * settle.length;
  for (let last = -1; ; ) {
    const [actives, failed] = await Promise.all([
      Promise.all(settle.map((portal) => count(apiUrl, token, 'active', portal))),
      count(apiUrl, token, 'failed'),
    ]);
    const active = actives.reduce((a, b) => a + b, 0);
    if (failed > 0) throw new Error(`${failed} portal job(s) failed`);
    if (active === expected) break;
    if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`only ${active} of ${expected} active after ${TIMEOUT_MS / 1000} s`);
    if (active !== last) log(`  ${active} / ${expected} active`);
    last = active;
    await sleep(1000);
  }
  const cpu = { worker: cpuS(worker) - cpu0.worker, portalWorker: cpuS(portalWorker) - cpu0.portalWorker, api: cpuS(api) - cpu0.api };

  const rows = [];
  for (const portal of settle) {
    for (let offset = 0; offset < LISTINGS; offset += 100) {
      const page = await call('GET', `${apiUrl}/api/v1/syndication/status?portal=${portal}&limit=100&offset=${offset}`, token);
      rows.push(...page.items);
    }
  }
  const doneAt = Math.max(...rows.map((r) => Date.parse(r.lastSuccessAt)));
  const wallS = (doneAt - t0) / 1000;
  log(`[${label}] ${LISTINGS} listings × ${PORTALS.length} portals, portal latency ${process.env.BENCH_PORTAL_LATENCY_MS ?? 10} ms per call, ${PHOTOS} photos each:`);
  log(`  publishing took ${(publishMs / 1000).toFixed(1)} s (${(LISTINGS / (publishMs / 1000)).toFixed(0)} publishes/s); last of ${settle.join(', ')} active after ${wallS.toFixed(1)} s`);
  log(`  ${expected} portal jobs in ${wallS.toFixed(1)} s = ${(expected / wallS).toFixed(1)} jobs/s`);
  const p95 = {};
  for (const portal of settle) {
    const latencies = rows.filter((r) => r.portal === portal).map((r) => Date.parse(r.lastSuccessAt) - publishedAt.get(r.listingId));
    p95[portal] = pct(latencies, 0.95);
    log(`  ${portal.padEnd(14)} publish → active p50 ${(pct(latencies, 0.5) / 1000).toFixed(2)} s, p95 ${(p95[portal] / 1000).toFixed(2)} s, max ${(Math.max(...latencies) / 1000).toFixed(2)} s`);
  }
  log(`  CPU: api worker ${cpu.worker.toFixed(1)} s (${((cpu.worker / wallS) * 100).toFixed(0)} % of one core), portal worker ${cpu.portalWorker.toFixed(1)} s, api-server ${cpu.api.toFixed(1)} s`);
  return { p95 };
}

function start(entry, extra) {
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...env, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

/** The fake portals (TypeScript in libs/testing) in a child process; resolves with the line it prints. */
function startPortals() {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'tools/bench/syndication-portals.ts')], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    child.once('exit', (code) => reject(new Error(`the portal servers exited (${code})`)));
  });
}

async function dropDatabase() {
  const owner = new URL(base.DATABASE_MIGRATION_URL);
  owner.pathname = '/postgres';
  const client = new pg.Client({ connectionString: owner.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function dropRedisKeys() {
  const redis = new Redis(base.REDIS_URL, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.REDIS_KEY_PREFIX}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** User + system CPU time of a process so far, in seconds. */
function cpuS(child) {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_S;
}

async function count(apiUrl, token, status, portal) {
  const only = portal ? `&portal=${portal}` : '';
  return (await call('GET', `${apiUrl}/api/v1/syndication/status?status=${status}${only}&limit=1`, token)).total;
}

/** Runs `work(0…n-1)` with PARALLEL in flight; resolves with the results in order. */
async function pooled(n, work) {
  const results = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, n) }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

async function upload(apiUrl, token, bytes, name) {
  const form = new FormData();
  form.append('category', 'photo');
  form.append('file', new Blob([bytes], { type: 'image/jpeg' }), name);
  const res = await fetch(`${apiUrl}/api/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (!res.ok) throw new Error(`upload → ${res.status}: ${await res.text()}`);
  return (await res.json()).id;
}

async function call(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

function pct(xs, p) {
  return [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // starting
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer`);
}
