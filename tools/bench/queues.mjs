#!/usr/bin/env node
// npm run bench:queues — issue #23, item 5: Bull throughput through the project's queue wrapper next
// to raw Bull, and the outbox relay's throughput and lag. Benchmarks are not tests. Loopback only.
//
// Queues. Targets, in alternating rounds (median of BENCH_ROUNDS ≥ 3), BENCH_DURATION_S (60) each:
//   raw Bull        the same Bull, Redis and key layout; Bull's default job options; a no-op processor
//   wrapper         what the api worker runs (queues/consumer.ts): telemetry on, QueueModule.forRoot()
//                   (traceBullJobs' processor wrapper, Redis client factory, lock/stalled settings),
//                   DEFAULT_JOB_OPTIONS (attempts, back-off, removeOnComplete) from the producer
//   wrapper + store the same with TRACE_STORE_DATABASE_URL: the trace store and JobRunRecorder on
// concurrency BENCH_CONCURRENCY (8, the notification processor's). The consumer, the producer
// (BENCH_RATE jobs/s, default 2500, open loop) and Redis are separate processes; consumer on the first
// core, producer on the last (taskset). Reported: completed jobs/s (Bull's `completed` events in the
// consumer), p50/p99 enqueue→complete (job.timestamp at add → completed event), consumer CPU-µs/job
// (/proc/<pid>/stat over the window), jobs waiting at the end (a backlog: the consumer fell behind).
// Keys under `ppt-bench-queues:` only, deleted after each round; nothing else in Redis is touched.
//
// Outbox relay. Database `ppt_bench_outbox` (created and migrated here), keys under `ppt-bench-outbox:`.
// A writer process commits `listing.published` events at each rate of BENCH_OUTBOX_RATES (150,1000)
// for BENCH_OUTBOX_DURATION_S (30) while a relay process runs as in the worker; then, per event, lag =
// Bull job timestamp (relay's add) − outbox created_at (the writing transaction's start, a few ms
// before its commit). Reported: events/s written and enqueued within the window, backlog at its end,
// lag p50/p99 of the events written after the first 5 s.
//
// BENCH_PARTS (queues,outbox) picks the parts; BENCH_TARGETS (raw,wrapper,wrapper+store) the targets.
// BENCH_PROFILE=1 adds --cpu-prof to the consumers (profiles in reports/bench-queues/).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { isAbsolute, join } from 'node:path';
import Redis from 'ioredis';
import pg from 'pg';
import { localEnv } from '../lib/env.mjs';
import { log, ROOT } from '../lib/workspace.mjs';
import { cpuUs, LOAD_CPU, median, percentile, SERVER_CPU, TASKSET } from './lib/harness.mjs';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 60);
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const WARMUP_S = 3;
const PARTS = (process.env.BENCH_PARTS ?? 'queues,outbox').split(',');
const TARGETS = (process.env.BENCH_TARGETS ?? 'raw,wrapper,wrapper+store').split(',');
const OUTBOX_RATES = (process.env.BENCH_OUTBOX_RATES ?? '150,1000').split(',').map(Number);
const OUTBOX_DURATION_S = Number(process.env.BENCH_OUTBOX_DURATION_S ?? 30);
const PROFILE = process.env.BENCH_PROFILE === '1';
const QUEUE_PREFIX = 'ppt-bench-queues:';
const OUTBOX_PREFIX = 'ppt-bench-outbox:';
const OUTBOX_DATABASE = 'ppt_bench_outbox';
const TRACE_DATABASE = 'ppt_bench_queues_traces';
const SCRIPTS = join(ROOT, 'tools/bench/queues');

const env = localEnv();
const REDIS_URL = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
for (const url of [REDIS_URL, env.DATABASE_MIGRATION_URL]) {
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) throw new Error(`${url}: loopback only`);
}
const redis = new Redis(REDIS_URL);
const children = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill('SIGTERM');
    process.exit(130);
  });
}

try {
  log(`load average at start ${loadAverage()}`);
  if (PARTS.includes('queues')) await queues();
  if (PARTS.includes('outbox')) await outbox();
  log(`load average at end ${loadAverage()}`);
} catch (err) {
  process.stderr.write(`[ppt] bench failed: ${err.stack ?? err.message}\n`);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await deleteKeys(QUEUE_PREFIX).catch(() => undefined);
  await deleteKeys(OUTBOX_PREFIX).catch(() => undefined);
  redis.disconnect();
}

async function queues() {
  await deleteKeys(QUEUE_PREFIX); // left by an interrupted run
  const traceStoreUrl = TARGETS.includes('wrapper+store') ? await freshDatabase(TRACE_DATABASE) : undefined;
  const results = Object.fromEntries(TARGETS.map((t) => [t, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of TARGETS) {
      const r = await queueRound(target, round, traceStoreUrl);
      results[target].push(r);
      log(
        `round ${round} ${target.padEnd(13)} ${r.jobsPerS.toFixed(0)} jobs/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ` +
          `${r.cpuUsPerJob.toFixed(0)} consumer CPU-µs/job, waiting at end ${r.waiting}, load ${r.load}`,
      );
    }
  }
  log(`queues: ${ROUNDS} rounds × ${DURATION_S} s per target, producer ${process.env.BENCH_RATE ?? 2500} jobs/s, concurrency ${process.env.BENCH_CONCURRENCY ?? 8}; median of rounds:`);
  log('| target | jobs/s | vs raw Bull | p50 ms | p99 ms | consumer CPU-µs/job | vs raw Bull | waiting at end |');
  log('|---|---|---|---|---|---|---|---|');
  for (const target of TARGETS) {
    const rs = results[target];
    const m = (f) => median(rs.map(f));
    const ratio = (f) =>
      results.raw && target !== 'raw' ? `${median(rs.map((r, i) => f(r) / f(results.raw[i]))).toFixed(2)}×` : '—';
    log(
      `| ${target} | ${m((r) => r.jobsPerS).toFixed(0)} | ${ratio((r) => r.jobsPerS)} | ${m((r) => r.p50)} | ${m((r) => r.p99)} | ` +
        `${m((r) => r.cpuUsPerJob).toFixed(0)} | ${ratio((r) => r.cpuUsPerJob)} | ${m((r) => r.waiting)} |`,
    );
  }
}

/** One target for one round: consumer up, producer started, warm-up, measured window, both stopped, keys deleted. */
async function queueRound(target, round, traceStoreUrl) {
  const keyPrefix = `${QUEUE_PREFIX}${target.replace('+', '-')}-${round}:`;
  const common = { ...process.env, REDIS_URL, REDIS_KEY_PREFIX: keyPrefix, BENCH_TARGET: target };
  const consumerEnv = {
    ...common,
    OTEL_SDK_DISABLED: 'false',
    TRACE_STORE_DATABASE_URL: target === 'wrapper+store' ? traceStoreUrl : '',
  };
  const profile = PROFILE ? [`--cpu-prof`, `--cpu-prof-dir=${join(ROOT, 'reports/bench-queues')}`, `--cpu-prof-name=${target.replace('+', '-')}-${round}.cpuprofile`] : [];
  if (PROFILE) mkdirSync(join(ROOT, 'reports/bench-queues'), { recursive: true });
  const consumer = startTs(target === 'raw' ? 'consumer-raw.ts' : 'consumer.ts', consumerEnv, SERVER_CPU, profile);
  await message(consumer, (m) => m === 'ready');
  const producer = startTs('producer.ts', common, LOAD_CPU);
  await message(producer, (m) => m === 'ready');
  producer.send('go');
  await sleep(WARMUP_S * 1000);
  const cpu0 = cpuUs(consumer.pid);
  consumer.send('start');
  await sleep(DURATION_S * 1000);
  const cpu1 = cpuUs(consumer.pid);
  const resultPromise = message(consumer, (m) => typeof m === 'object');
  consumer.send('stop');
  const result = await resultPromise;
  // SIGKILL: the wrapped producer's libraries keep it alive on SIGTERM, and it holds nothing to flush.
  producer.kill('SIGKILL');
  await exited(consumer);
  await exited(producer);
  await deleteKeys(keyPrefix);
  return {
    jobsPerS: result.completed / (result.elapsedMs / 1000),
    p50: result.latencies.p50,
    p99: result.latencies.p99,
    cpuUsPerJob: (cpu1 - cpu0) / Math.max(result.completed, 1),
    waiting: result.counts.waiting,
    load: loadAverage(),
  };
}

async function outbox() {
  await deleteKeys(OUTBOX_PREFIX); // left by an interrupted run
  const ownerUrl = await freshDatabase(OUTBOX_DATABASE);
  const at = (url) => withDatabase(url, OUTBOX_DATABASE);
  const dbEnv = {
    ...env,
    DATABASE_URL: at(env.DATABASE_URL),
    DATABASE_MIGRATION_URL: ownerUrl,
    WORKER_DATABASE_URL: at(env.WORKER_DATABASE_URL),
    REALITY_DATABASE_URL: at(env.REALITY_DATABASE_URL),
  };
  for (const command of ['provision', 'up']) {
    const child = startTs(join(ROOT, 'migrations/cli.ts'), dbEnv, undefined, [], [command], 'inherit');
    if ((await exited(child)) !== 0) throw new Error(`database ${command} failed`);
  }
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    const organizationId = randomUUID();
    await owner.query(`INSERT INTO organizations (id, name, slug) VALUES ($1, 'Outbox bench', $2)`, [
      organizationId,
      `outbox-bench-${organizationId}`,
    ]);
    const rows = [];
    for (const rate of OUTBOX_RATES) {
      const r = await outboxRun(owner, dbEnv, organizationId, rate);
      rows.push(r);
      log(
        `outbox at ${rate} events/s: written ${r.writtenPerS.toFixed(0)}/s, enqueued ${r.enqueuedPerS.toFixed(0)}/s in the window, ` +
          `backlog at its end ${r.backlog}, lag p50 ${r.p50} ms p99 ${r.p99} ms (${r.measured} events), load ${r.load}`,
      );
    }
    log(`outbox relay: ${OUTBOX_DURATION_S} s per rate, relay as in the worker:`);
    log('| offered events/s | written/s | enqueued/s (commit → Bull) | unpublished at end of window | lag p50 ms | lag p99 ms | relay CPU-µs/event |');
    log('|---|---|---|---|---|---|---|');
    for (const r of rows)
      log(`| ${r.rate} | ${r.writtenPerS.toFixed(0)} | ${r.enqueuedPerS.toFixed(0)} | ${r.backlog} | ${r.p50} | ${r.p99} | ${r.cpuUsPerEvent.toFixed(0)} |`);
  } finally {
    await owner.end();
  }
}

async function outboxRun(owner, dbEnv, organizationId, rate) {
  const keyPrefix = `${OUTBOX_PREFIX}${rate}:`;
  await owner.query('TRUNCATE outbox');
  const relay = startTs(
    'outbox-relay.ts',
    { ...process.env, DATABASE_URL: dbEnv.WORKER_DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX: keyPrefix, OTEL_SDK_DISABLED: 'false' },
    SERVER_CPU,
  );
  const writer = startTs(
    'outbox-writer.ts',
    { ...process.env, DATABASE_URL: dbEnv.DATABASE_URL, BENCH_OUTBOX_RATE: String(rate), BENCH_ORGANIZATION_ID: organizationId },
    LOAD_CPU,
  );
  await Promise.all([message(relay, (m) => m === 'ready'), message(writer, (m) => m === 'ready')]);
  const cpu0 = cpuUs(relay.pid);
  const startedAt = Date.now();
  writer.send('start');
  await sleep(OUTBOX_DURATION_S * 1000);
  const endedAt = Date.now();
  const cpu1 = cpuUs(relay.pid);
  const done = message(writer, (m) => typeof m === 'object');
  writer.send('stop');
  const { written } = await done;
  await exited(writer);
  const { rows: [{ backlog }] } = await owner.query(
    `SELECT count(*)::int AS backlog FROM outbox WHERE created_at <= $1 AND published_at IS NULL`,
    [new Date(endedAt)],
  );
  // Let the relay drain (bounded), so every event has a lag.
  for (let i = 0; i < 120; i++) {
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`);
    if (rows[0].n === 0) break;
    await sleep(500);
  }
  relay.kill('SIGTERM');
  await exited(relay);
  const { rows: events } = await owner.query(`SELECT id, created_at FROM outbox`);
  const pipeline = redis.pipeline();
  for (const e of events) pipeline.hget(`${keyPrefix}bull:syndication:${e.id}`, 'timestamp');
  const stamps = (await pipeline.exec()).map(([, value]) => (value ? Number(value) : undefined));
  const lags = [];
  let enqueuedInWindow = 0;
  events.forEach((e, i) => {
    const stamp = stamps[i];
    if (stamp === undefined) return;
    if (stamp <= endedAt) enqueuedInWindow++;
    if (e.created_at.getTime() >= startedAt + 5000 && e.created_at.getTime() <= endedAt) lags.push(stamp - e.created_at.getTime());
  });
  await deleteKeys(keyPrefix);
  const seconds = (endedAt - startedAt) / 1000;
  return {
    rate,
    writtenPerS: written / seconds,
    enqueuedPerS: enqueuedInWindow / seconds,
    backlog,
    measured: lags.length,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    cpuUsPerEvent: (cpu1 - cpu0) / Math.max(enqueuedInWindow, 1),
    load: loadAverage(),
  };
}

/** `node -r @swc-node/register <file>` (tools/bench/queues/<file> unless absolute) with IPC, pinned to `cpu` when given. */
function startTs(file, childEnv, cpu, nodeArgs = [], args = [], stdout = 'ignore') {
  const argv = [...nodeArgs, '-r', '@swc-node/register', isAbsolute(file) ? file : join(SCRIPTS, file), ...args];
  const [command, commandArgs] =
    TASKSET && cpu !== undefined ? ['taskset', ['-c', String(cpu), process.execPath, ...argv]] : [process.execPath, argv];
  // taskset execs node: the pid and the IPC channel are node's own.
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: { ...childEnv, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json') },
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function message(child, accept) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (!accept(m)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code) => reject(new Error(`a benchmark process exited (${code}) before answering`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function exited(child) {
  // A process ended by a signal has no exit code, only a signal code.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Deletes the keys under `prefix` (only the benchmark's own prefixes are ever passed). */
async function deleteKeys(prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A database of the benchmark's own, dropped and created again (as the owner); its owner URL. */
async function freshDatabase(name) {
  const admin = new pg.Client({ connectionString: withDatabase(env.DATABASE_MIGRATION_URL, 'postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return withDatabase(env.DATABASE_MIGRATION_URL, name);
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function loadAverage() {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
