#!/usr/bin/env node
// npm run bench:search — the Reality Portal's public search at 100k listings (issue #23, item 4).
//
// A database of its own (BENCH_SEARCH_DATABASE, default ppt_bench_search) is migrated and filled
// with BENCH_LISTINGS generated listings (tools/bench/portal-listings-data.mjs; kept between runs when
// the count matches). The built reality-server runs as its own process pinned to one core; the load
// generator runs in another process on the other core, BENCH_CONNECTIONS connections cycling through
// 20 realistic requests (below). Per round: throughput, p50/p90/p99 and the server's CPU-µs per request;
// then each request alone, one at a time, for its own latency. Median of BENCH_ROUNDS rounds.
//
// Before/after in the same run: with BENCH_BASE_ROOT (a built checkout of the code before this change,
// e.g. `git archive main | tar -x -C /tmp/ppt-base` then `npx nx build reality-server` there), its
// reality-server runs too, against its own database migrated by its own migrations and filled with the
// same generated rows; rounds alternate between the two. Loopback only. Not part of the tests.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { localEnv, realityEnv } from '../lib/env.mjs';
import { bin, ensureDependencies, log, ROOT, run } from '../lib/workspace.mjs';
import { load, median, percentile, startProcess, TASKSET, waitFor } from './lib/harness.mjs';
import { fillPortalListings } from './portal-listings-data.mjs';

const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 100000);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ALONE = Number(process.env.BENCH_ALONE ?? 20);
const DATABASE = process.env.BENCH_SEARCH_DATABASE ?? 'ppt_bench_search';
const BASE_ROOT = process.env.BENCH_BASE_ROOT;

/** Twenty requests people make (tools/bench/search-queries.json). */
const { queries: QUERIES } = JSON.parse(readFileSync(join(ROOT, 'tools/bench/search-queries.json'), 'utf8'));

ensureDependencies();
const base = { ...localEnv(), NODE_ENV: 'production', LOG_LEVEL: 'warn' };
const targets = [{ name: 'this branch', root: ROOT, database: DATABASE, port: 3920 }];
if (BASE_ROOT) targets.unshift({ name: 'baseline', root: BASE_ROOT, database: `${DATABASE}_base`, port: 3921 });
const servers = [];
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const s of servers) s.stop();
    process.exit(130);
  });
}
try {
  if (!process.env.BENCH_SKIP_BUILD) {
    const built = await run(bin('nx'), ['build', 'reality-server', '--output-style=stream'], {
      env: { ...process.env, NX_DAEMON: 'false' },
    });
    if (built !== 0) throw new Error('build failed');
  }
  for (const t of targets) {
    t.env = databaseEnv(base, t.database);
    await prepareDatabase(t);
    const server = startProcess([join(t.root, 'dist/apps/reality-server/main.js')], {
      ...realityEnv(t.env),
      REALITY_PORT: String(t.port),
      API_SERVER_URL: 'http://127.0.0.1:9', // no SSO in this benchmark: every request is anonymous
    }, { cwd: t.root });
    servers.push(server);
    t.pid = server.pid;
    t.origin = `http://127.0.0.1:${t.port}`;
    await waitFor(`${t.origin}/health/live`);
    t.paths = await resolvePaths(t.origin);
  }
  log(`${LISTINGS} listings; ${CONNECTIONS} connections × ${DURATION_S} s per round, ${ROUNDS} rounds; taskset ${TASKSET ? 'on' : 'absent'}`);
  for (const t of targets) await load({ ...mix(t), durationS: 3, tolerateFailures: true }); // warm-up: JIT, pools, caches

  const rounds = targets.map(() => []);
  for (let i = 0; i < ROUNDS; i++) {
    for (const [k, t] of targets.entries()) {
      // A slow server answers some requests with an error (statement timeout, pool wait): counted, not fatal.
      const r = await load({ ...mix(t), durationS: DURATION_S, pids: [t.pid], tolerateFailures: true });
      r.alone = await alone(t);
      rounds[k].push(r);
      log(
        `round ${i + 1} ${t.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms, ` +
          `${r.cpuUs[0].toFixed(0)} server CPU-µs/req, ${r.timeouts} timeouts (> 10 s), ${r.non2xx + r.errors} failed; one at a time: p50 ${r.alone.p50.toFixed(1)} ms, p99 ${r.alone.p99.toFixed(1)} ms`,
      );
    }
  }

  log(`median of ${ROUNDS} rounds:`);
  log('| target | req/s | p50 ms | p90 ms | p99 ms | timeouts | server CPU-µs/req | alone p50 ms | alone p99 ms |');
  log('|---|---|---|---|---|---|---|---|---|');
  for (const [k, t] of targets.entries()) {
    const m = (f) => median(rounds[k].map(f));
    log(
      `| ${t.name} | ${m((r) => r.rps).toFixed(0)} | ${m((r) => r.p50)} | ${m((r) => r.p90)} | ${m((r) => r.p99)} | ${m((r) => r.timeouts)} | ` +
        `${m((r) => r.cpuUs[0]).toFixed(0)} | ${m((r) => r.alone.p50).toFixed(1)} | ${m((r) => r.alone.p99).toFixed(1)} |`,
    );
  }
  log('per request, one at a time, median of rounds of each request\'s p50 (ms):');
  log(`| # | request | ${targets.map((t) => t.name).join(' | ')} |`);
  log(`|---|---|${targets.map(() => '---').join('|')}|`);
  QUERIES.forEach((q, j) => {
    const cells = targets.map((_, k) => median(rounds[k].map((r) => r.alone.perQuery[j])).toFixed(1));
    const label = { PAGE2: 'page 2 of #3 (cursor, baseline offset=20)', SIMILAR: '/listings/:id/similar' }[q];
    log(`| ${j + 1} | ${label ?? `\`${q || '(no filter)'}\``} | ${cells.join(' | ')} |`);
  });
  if (targets.length === 2) {
    const ratio = (f) => median(rounds[1].map((r, i) => f(r) / f(rounds[0][i])));
    log(
      `this branch / baseline, median of per-round ratios: throughput ${ratio((r) => r.rps).toFixed(2)}×, ` +
        `p99 ${ratio((r) => r.p99).toFixed(2)}×, CPU-µs/req ${ratio((r) => r.cpuUs[0]).toFixed(2)}×, ` +
        `one-at-a-time p99 ${ratio((r) => r.alone.p99).toFixed(2)}×`,
    );
  }
} catch (err) {
  process.stderr.write(`[ppt] bench failed: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
} finally {
  for (const s of servers) s.stop();
}

function databaseEnv(env, database) {
  const at = (url) => {
    const u = new URL(url);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return {
    ...env,
    DATABASE_URL: at(env.DATABASE_URL),
    DATABASE_MIGRATION_URL: at(env.DATABASE_MIGRATION_URL),
    REALITY_DATABASE_URL: at(env.REALITY_DATABASE_URL),
  };
}

/** Migrates the target's database with the target's own migrations, then fills it unless it is full. */
async function prepareDatabase(t) {
  const cli = (command) =>
    spawnSync(process.execPath, ['-r', '@swc-node/register', join(t.root, 'migrations/cli.ts'), command], {
      cwd: t.root,
      env: { ...t.env, SWC_NODE_PROJECT: join(t.root, 'tsconfig.base.json') },
      stdio: ['ignore', 'ignore', 'inherit'],
    }).status;
  if (cli('provision') !== 0 || cli('up') !== 0) throw new Error(`${t.name}: database set-up failed`);
  const client = new pg.Client({ connectionString: t.env.DATABASE_MIGRATION_URL });
  await client.connect();
  try {
    const [{ n }] = (await client.query('SELECT count(*)::int AS n FROM portal.listings')).rows;
    if (n !== LISTINGS) {
      log(`${t.name}: generating ${LISTINGS} listings in ${t.database}…`);
      await fillPortalListings(client, LISTINGS);
    }
  } finally {
    await client.end();
  }
}

/** The concrete paths: page 2 by cursor when the server gives one (else offset), a real listing id. */
async function resolvePaths(origin) {
  const first = await (await fetch(`${origin}/api/v1/listings?${QUERIES[2]}`)).json();
  const page2 = first.nextCursor ? `${QUERIES[2]}&after=${first.nextCursor}` : `${QUERIES[2]}&offset=20`;
  const path = { PAGE2: `/api/v1/listings?${page2}`, SIMILAR: `/api/v1/listings/${first.items[0].id}/similar` };
  return QUERIES.map((q) => path[q] ?? `/api/v1/listings?${q}`);
}

function mix(t) {
  return { origin: t.origin, paths: t.paths, connections: CONNECTIONS };
}

/** Each request ALONE times, one at a time: its own latency, no queueing. */
async function alone(t) {
  const perQuery = [];
  const all = [];
  for (const path of t.paths) {
    const times = [];
    for (let i = 0; i < ALONE; i++) {
      const started = performance.now();
      const res = await fetch(`${t.origin}${path}`);
      await res.arrayBuffer();
      if (!res.ok) process.stderr.write(`[ppt] ${t.name} ${path}: ${res.status}\n`);
      times.push(performance.now() - started);
    }
    perQuery.push(percentile(times, 50));
    all.push(...times);
  }
  return { perQuery, p50: percentile(all, 50), p99: percentile(all, 99) };
}
