#!/usr/bin/env node
// npm run bench:all — the fair harness of issue #23, item 1: what the shared request pipeline and a
// tenant read cost next to their floors, in one run.
//
// Every compared server is its own process pinned to one core (taskset, when present); the load
// generator is another process pinned to the other core; rounds alternate over all targets (machine
// noise hits each alike); medians of BENCH_ROUNDS (≥ 3) rounds; server CPU-µs per request from
// /proc/<pid>/stat. Targets:
//   bare node:http, bare Express 5, bare Nest 11 (one controller)          GET /health/live
//   api-server, tracing on (default config) and OTEL_SDK_DISABLED=true     GET /health/live
//   floor: Express + pg, the same SQL in the same transaction (servers/floor-tenant-read.mjs)
//   api-server, tracing on and off                                         GET /api/v1/buildings (2 rows, manager token)
// With BENCH_BASE_ROOT (a built checkout of the code before a change, see tools/bench/search.mjs), its
// api-server runs the same routes too, on its own database: before/after in the same run.
// Its own database (BENCH_ALL_DATABASE, default ppt_bench_all). Loopback only. Not part of the tests.
// BENCH_TRACE_STORE=1 adds api-server with the PostgreSQL trace store (issue #22) on the buildings route.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { localEnv } from '../lib/env.mjs';
import { markEmailVerified } from '../lib/verify-email.mjs';
import { bin, ensureDependencies, log, ROOT, run } from '../lib/workspace.mjs';
import { load, median, startProcess, TASKSET, waitFor } from './lib/harness.mjs';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DATABASE = process.env.BENCH_ALL_DATABASE ?? 'ppt_bench_all';
const BASE_ROOT = process.env.BENCH_BASE_ROOT;
/** BENCH_TRACE_STORE=1: also api-server writing spans to a trace store (its own database, `<db>_traces`). */
const TRACE_STORE = process.env.BENCH_TRACE_STORE === '1';
const LIVE = '/health/live';
const BUILDINGS = '/api/v1/buildings';

ensureDependencies();
// Production refuses the log mail transport; nothing is mailed here (no worker runs), so a closed port.
const env = {
  ...localEnv(),
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  MAIL_TRANSPORT: 'smtp',
  SMTP_URL: 'smtp://127.0.0.1:9',
};
const servers = [];
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const s of servers) s.stop();
    process.exit(130);
  });
}
let nextPort = 3930;
try {
  if (!process.env.BENCH_SKIP_BUILD) {
    const built = await run(bin('nx'), ['build', 'api-server', '--output-style=stream'], {
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    if (built !== 0) throw new Error('build failed');
  }
  const targets = [];
  const add = (name, path, server, headers = {}) => targets.push({ name, path, headers, ...server });

  add('bare node:http', LIVE, start([join(ROOT, 'tools/bench/servers/bare-http.mjs')], {}));
  add('bare Express 5', LIVE, start([join(ROOT, 'tools/bench/servers/bare-express.mjs')], {}));
  add('bare Nest 11', LIVE, start(['-r', '@swc-node/register', join(ROOT, 'tools/bench/servers/bare-nest.ts')], {
    SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json'),
  }));

  const apis = [{ label: 'api-server', root: ROOT, database: DATABASE }];
  if (BASE_ROOT) apis.unshift({ label: 'baseline api-server', root: BASE_ROOT, database: `${DATABASE}_base` });
  let floorAdded = false;
  for (const api of apis) {
    const apiEnv = databaseEnv(env, api.database);
    prepareDatabase(api.root, apiEnv);
    const main = join(api.root, 'dist/apps/api-server/main.js');
    const on = start([main], apiEnv, 'API_PORT', api.root);
    const off = start([main], { ...apiEnv, OTEL_SDK_DISABLED: 'true' }, 'API_PORT', api.root);
    await Promise.all([on, off].map((s) => waitFor(`${s.origin}${LIVE}`)));
    const tenant = await manager(on.origin, apiEnv);
    const auth = { authorization: `Bearer ${tenant.token}` };
    add(`${api.label} ${LIVE}, tracing on`, LIVE, on);
    add(`${api.label} ${LIVE}, tracing off`, LIVE, off);
    if (!floorAdded) {
      floorAdded = true;
      const floor = start(
        [join(ROOT, 'tools/bench/servers/floor-tenant-read.mjs'), apiEnv.DATABASE_URL, tenant.organizationId, tenant.userId],
        {},
        'argv',
      );
      add(`floor Express + pg ${BUILDINGS}`, BUILDINGS, floor);
    }
    add(`${api.label} ${BUILDINGS}, tracing on`, BUILDINGS, on, auth);
    add(`${api.label} ${BUILDINGS}, tracing off`, BUILDINGS, off, auth);
    if (TRACE_STORE && api.root === ROOT) {
      // Issue #22: the PostgreSQL trace store at the default ratio (0.1) and with every trace sampled.
      const store = { ...apiEnv, TRACE_STORE_DATABASE_URL: await traceStoreDatabase(apiEnv, `${api.database}_traces`) };
      const stored = start([main], store, 'API_PORT', api.root);
      const storedAll = start([main], { ...store, OTEL_TRACES_SAMPLER_ARG: '1' }, 'API_PORT', api.root);
      await Promise.all([stored, storedAll].map((s) => waitFor(`${s.origin}${LIVE}`)));
      add(`${api.label} ${BUILDINGS}, tracing on + trace store`, BUILDINGS, stored, auth);
      add(`${api.label} ${BUILDINGS}, tracing on + trace store, ratio 1`, BUILDINGS, storedAll, auth);
    }
  }
  for (const t of targets) await waitFor(`${t.origin}${t.path}`, t.headers);

  log(`${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION_S} s per target, alternating; taskset ${TASKSET ? 'on' : 'absent'}`);
  for (const t of targets) await measure(t, 2); // warm-up: JIT, pools, caches
  const rounds = targets.map(() => []);
  for (let i = 0; i < ROUNDS; i++) {
    for (const [k, t] of targets.entries()) {
      const r = await measure(t, DURATION_S);
      rounds[k].push(r);
      log(`round ${i + 1} ${t.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.cpuUs[0].toFixed(0)} CPU-µs/req`);
    }
  }
  const reference = (name) => targets.findIndex((t) => t.name === name);
  const express = reference('bare Express 5');
  const nest = reference('bare Nest 11');
  const floor = targets.findIndex((t) => t.name.startsWith('floor'));
  const ratio = (k, to) => median(rounds[k].map((r, i) => r.rps / rounds[to][i].rps));
  log(`median of ${ROUNDS} rounds (ratios: median of per-round ratios):`);
  log('| target | req/s | vs bare Express 5 | vs bare Nest 11 | vs floor | p50 ms | p99 ms | CPU-µs/req |');
  log('|---|---|---|---|---|---|---|---|');
  for (const [k, t] of targets.entries()) {
    const m = (f) => median(rounds[k].map(f));
    const vsFloor = t.path === BUILDINGS ? `${ratio(k, floor).toFixed(2)}×` : '—';
    log(
      `| ${t.name} | ${m((r) => r.rps).toFixed(0)} | ${ratio(k, express).toFixed(2)}× | ${ratio(k, nest).toFixed(2)}× | ${vsFloor} | ` +
        `${m((r) => r.p50)} | ${m((r) => r.p99)} | ${m((r) => r.cpuUs[0]).toFixed(0)} |`,
    );
  }
  if (BASE_ROOT) {
    log('this branch / baseline, per route (per-round ratios, then their median):');
    for (const [k, t] of targets.entries()) {
      if (!t.name.startsWith('api-server')) continue;
      const b = targets.findIndex((x) => x.name === `baseline ${t.name}`);
      const per = (f) => rounds[k].map((r, i) => f(r) / f(rounds[b][i]));
      const show = (xs) => `${xs.map((x) => x.toFixed(2)).join(', ')} → ${median(xs).toFixed(2)}×`;
      log(`  ${t.name.replace('api-server ', '')}: req/s ${show(per((r) => r.rps))}; CPU-µs/req ${show(per((r) => r.cpuUs[0]))}`);
    }
  }
} catch (err) {
  process.stderr.write(`[ppt] bench failed: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
} finally {
  for (const s of servers) s.stop();
}

/** A server process on the next port: in the environment variable `portVariable`, or ('argv') as the script's first argument. */
function start(args, extraEnv, portVariable = 'argv', cwd = ROOT) {
  const port = nextPort++;
  const argv = portVariable === 'argv' ? withPort(args, port) : args;
  const server = startProcess(argv, { ...process.env, ...extraEnv, ...(portVariable === 'argv' ? {} : { [portVariable]: String(port) }) }, { cwd });
  servers.push(server);
  return { pid: server.pid, origin: `http://127.0.0.1:${port}` };
}

function withPort(args, port) {
  const script = args.findIndex((a) => a.endsWith('.mjs') || a.endsWith('.ts'));
  return [...args.slice(0, script + 1), String(port), ...args.slice(script + 1)];
}

async function measure(t, durationS) {
  return load({ origin: t.origin, paths: [t.path], connections: CONNECTIONS, durationS, headers: t.headers, pids: [t.pid] });
}

function databaseEnv(base, database) {
  const at = (url) => {
    const u = new URL(url);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return { ...base, DATABASE_URL: at(base.DATABASE_URL), DATABASE_MIGRATION_URL: at(base.DATABASE_MIGRATION_URL) };
}

/** A fresh trace store database (dropped and created again), as the owner; its URL. */
async function traceStoreDatabase(apiEnv, name) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: apiEnv.DATABASE_MIGRATION_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(apiEnv.DATABASE_MIGRATION_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function prepareDatabase(root, apiEnv) {
  for (const command of ['provision', 'up']) {
    const status = spawnSync(process.execPath, ['-r', '@swc-node/register', join(root, 'migrations/cli.ts'), command], {
      cwd: root,
      env: { ...apiEnv, SWC_NODE_PROJECT: join(root, 'tsconfig.base.json') },
      stdio: ['ignore', 'ignore', 'inherit'],
    }).status;
    if (status !== 0) throw new Error(`${root}: database ${command} failed`);
  }
}

/** A verified manager of a new organisation with two buildings; its token, organisation and user. */
async function manager(origin, apiEnv) {
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'benchmark password 1';
  await call('POST', `${origin}/api/v1/auth/register`, undefined, { email, password, displayName: 'Bench' });
  await markEmailVerified(apiEnv.DATABASE_MIGRATION_URL, email);
  const { accessToken } = await call('POST', `${origin}/api/v1/auth/login`, undefined, { email, password });
  const org = await call('POST', `${origin}/api/v1/organizations`, accessToken, { name: `Bench ${email}` });
  const { accessToken: token } = await call('POST', `${origin}/api/v1/auth/switch-organization`, accessToken, {
    organizationId: org.id,
  });
  for (const name of ['Vinohradská 12', 'Slezská 7']) {
    await call('POST', `${origin}${BUILDINGS}`, token, {
      name,
      addressLine: name,
      city: 'Praha',
      postalCode: '120 00',
      country: 'CZ',
    });
  }
  const userId = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;
  return { token, organizationId: org.id, userId };
}

async function call(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}
