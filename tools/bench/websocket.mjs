#!/usr/bin/env node
// npm run bench:ws — the WebSocket gateway's broadcast on this machine, on loopback (issue 20):
//   N sockets (default 10,000; BENCH_WS_CONNECTIONS) all in the organisation's room, BENCH_WS_EVENTS
//   events (default 20) of a 200-byte payload appended to the event stream the outbox relay writes
//   (`<prefix>events:stream`, read by every gateway instance), one every BENCH_WS_GAP_MS (500).
//   Scenario "1": all sockets on one api-server instance (the second one runs without sockets: per
//   event it reads the stream and finds the numbers already assigned; its CPU is reported as `idle`);
//   scenario "2": the same N split over two instances. Rounds alternate
//   1,2,1,2,… (BENCH_WS_ROUNDS pairs, default 3) and the summary is the median of the rounds.
// Fairness (the house rule for compared servers): the servers are separate processes pinned to one core
// and this process (the client: N sockets, every frame parsed) to the other (taskset, where it exists),
// so both scenarios get the same server CPU and the same client CPU. Redis and PostgreSQL are not pinned.
// Reported per scenario:
//   client  p50/p95/p99 delivery over all frames (append → frame parsed here), lost frames, and per
//           event its first and last frame (medians over the events);
//   server  per event, append → the last frame handed to a socket (the gateway's ws_delivery_seconds,
//           read from each instance's /metrics after each event; with two instances the later of the
//           two), p50/p95 over the events — the part of the figure that is the gateway, not the client;
//   CPU     server and client CPU-ms per event (/proc/<pid>/stat, process.cpuUsage), from each append
//           to the end of its gap (the /metrics scrapes left out);
//   RSS     per connection on one instance (RSS with the sockets open minus before, over N; first round).
// Goals (issue 20): p95 ≤ 400 ms, 0 lost, ≤ 60 KB per connection, two instances add ≤ 20 ms at p95.
// The append skips the outbox relay on purpose: the relay's poll interval (500 ms) is not the gateway.
//
// File descriptors: each socket is one descriptor in this process and one in a server; the default
// soft limit (often 1024) is too low. Raise it first: `ulimit -n 65536` (hard limit permitting; 20000
// is enough for 10,000), or run with fewer sockets: BENCH_WS_CONNECTIONS=2000 npm run bench:ws.
// BENCH_WS_PROFILE=1 adds --cpu-prof to the servers (profiles in reports/bench-ws/ when they exit).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { runDbCli } from '../lib/db.mjs';
import { localEnv } from '../lib/env.mjs';
import { ensurePostgres, ensureRedis } from '../lib/services.mjs';
import { markEmailVerified } from '../lib/verify-email.mjs';
import { ensureDependencies, log, ROOT } from '../lib/workspace.mjs';
import { cpuUs, LOAD_CPU, median, percentile, SERVER_CPU, startProcess, TASKSET } from './lib/harness.mjs';

const N = Number(process.env.BENCH_WS_CONNECTIONS ?? 10_000);
const EVENTS = Number(process.env.BENCH_WS_EVENTS ?? 20);
const GAP_MS = Number(process.env.BENCH_WS_GAP_MS ?? 500);
const ROUNDS = Math.max(1, Number(process.env.BENCH_WS_ROUNDS ?? 3));
const PROFILE = process.env.BENCH_WS_PROFILE === '1';
const OPEN_BATCH = 200;
const PORTS = [3920, 3921];
const DB = 'ppt_bench_ws';
const PREFIX = 'bench-ws:';

ensureDependencies();
const base = localEnv();
const env = {
  ...base,
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  OTEL_SDK_DISABLED: 'true',
  DATABASE_URL: inDatabase(base.DATABASE_URL, DB),
  WORKER_DATABASE_URL: inDatabase(base.WORKER_DATABASE_URL, DB),
  REALITY_DATABASE_URL: inDatabase(base.REALITY_DATABASE_URL, DB),
  DATABASE_MIGRATION_URL: inDatabase(base.DATABASE_MIGRATION_URL, DB),
  REDIS_KEY_PREFIX: PREFIX,
  WS_MAX_CONNECTIONS_PER_USER: String(N),
};
const servers = [];
const sockets = [];
/** Event id → delivery latencies (ms) of its frames, for the current round. */
let received = new Map();
try {
  // This process is the client: on the load core, every thread (taskset -a), like the harness' load generator.
  if (TASKSET) execFileSync('taskset', ['-a', '-p', '-c', String(LOAD_CPU), String(process.pid)], { stdio: 'ignore' });
  log(`load average at start ${loadAverage()}; taskset ${TASKSET ? `on (servers core ${SERVER_CPU}, client core ${LOAD_CPU})` : 'absent'}`);
  const dataDir = env.PPT_DATA_DIR || join(ROOT, '.data');
  await ensurePostgres(env.DATABASE_MIGRATION_URL, join(dataDir, 'postgres'));
  await ensureRedis(env.REDIS_URL, join(dataDir, 'redis'));
  if ((await runDbCli('provision', env)) !== 0 || (await runDbCli('up', env)) !== 0)
    throw new Error('database set-up failed');
  if (PROFILE) mkdirSync(join(ROOT, 'reports/bench-ws'), { recursive: true });
  for (const port of PORTS) servers.push(start(port));
  for (const port of PORTS) await waitFor(`http://127.0.0.1:${port}/health/live`);
  const api = `http://127.0.0.1:${PORTS[0]}`;

  const email = `bench-ws-${Date.now()}@example.com`;
  const password = 'benchmark password 1';
  await call('POST', `${api}/api/v1/auth/register`, undefined, { email, password, displayName: 'Bench' });
  await markEmailVerified(env.DATABASE_MIGRATION_URL, email);
  const { accessToken } = await call('POST', `${api}/api/v1/auth/login`, undefined, { email, password });
  const org = await call('POST', `${api}/api/v1/organizations`, accessToken, { name: `Bench WS ${Date.now()}` });
  const { accessToken: token } = await call('POST', `${api}/api/v1/auth/switch-organization`, accessToken, {
    organizationId: org.id,
  });
  const publisher = new Redis(env.REDIS_URL);
  const stream = `${PREFIX}events:stream`;

  const results = { 1: [], 2: [] };
  let rssPerConnectionKb;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const instances of [1, 2]) {
      const active = servers.slice(0, instances);
      await sleep(1000);
      const rss0 = rssKb(servers[0].pid);
      const t = Date.now();
      await openSockets(N, (i) => PORTS[i % instances], token, org.id);
      const openMs = Date.now() - t;
      await sleep(2000);
      if (instances === 1 && rssPerConnectionKb === undefined)
        rssPerConnectionKb = Math.round(((rssKb(servers[0].pid) - rss0) / N) * 10) / 10;
      const r = { round, instances, openMs, load: loadAverage(), ...(await broadcast(publisher, stream, org.id, active)) };
      results[instances].push(r);
      log(
        `round ${round}, ${instances} instance${instances > 1 ? 's' : ' '}: client p50 ${r.client.p50Ms} / p95 ${r.client.p95Ms} / ` +
          `p99 ${r.client.p99Ms} ms, lost ${r.client.lost}, per event first/last frame ${r.client.firstFrameMs}/${r.client.lastFrameMs} ms; ` +
          `server (last hand-over) p50 ${r.server.p50Ms} / p95 ${r.server.p95Ms} ms ` +
          `(${r.server.events} events); CPU-ms/event server ${r.cpuMsPerEvent.server}, client ${r.cpuMsPerEvent.client}` +
          `${r.cpuMsPerEvent.idle !== undefined ? `, idle instance ${r.cpuMsPerEvent.idle}` : ''}; ` +
          `sockets open in ${openMs} ms; load ${r.load}`,
      );
      await closeSockets();
    }
  }
  publisher.disconnect();

  const summary = (rs) => ({
    clientP50Ms: median(rs.map((r) => r.client.p50Ms)),
    clientP95Ms: median(rs.map((r) => r.client.p95Ms)),
    clientP99Ms: median(rs.map((r) => r.client.p99Ms)),
    lost: rs.reduce((sum, r) => sum + r.client.lost, 0),
    frames: rs.length * N * EVENTS,
    clientFirstFrameMs: median(rs.map((r) => r.client.firstFrameMs)),
    clientLastFrameMs: median(rs.map((r) => r.client.lastFrameMs)),
    serverP50Ms: median(rs.map((r) => r.server.p50Ms)),
    serverP95Ms: median(rs.map((r) => r.server.p95Ms)),
    serverCpuMsPerEvent: median(rs.map((r) => r.cpuMsPerEvent.server)),
    clientCpuMsPerEvent: median(rs.map((r) => r.cpuMsPerEvent.client)),
  });
  const one = summary(results[1]);
  const two = summary(results[2]);
  // Paired by round (each 2-instance round right after its 1-instance round), then the median.
  const added = (f) => median(results[2].map((r, i) => f(r) - f(results[1][i])));
  const report = {
    connections: N,
    events: EVENTS,
    gapMs: GAP_MS,
    payloadBytes: 200,
    rounds: ROUNDS,
    taskset: TASKSET,
    loadAverageAtEnd: loadAverage(),
    rssPerConnectionKb,
    oneInstance: one,
    twoInstances: two,
    twoInstancesAddMsP95: { client: added((r) => r.client.p95Ms), server: added((r) => r.server.p95Ms) },
    goals: { p95Ms: 400, lost: 0, rssPerConnectionKb: 60, twoInstancesAddMsP95: 20 },
    perRound: [...results[1], ...results[2]].sort((a, b) => a.round - b.round || a.instances - b.instances),
  };
  log(`medians of ${ROUNDS} rounds, ${N} sockets, ${EVENTS} events each:`);
  log('| instances | client p50 | client p95 | client p99 | lost | first / last frame | server p50 | server p95 | server CPU-ms/event | client CPU-ms/event |');
  log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, s] of [['1', one], ['2', two]])
    log(
      `| ${name} | ${s.clientP50Ms} | ${s.clientP95Ms} | ${s.clientP99Ms} | ${s.lost} of ${s.frames} | ` +
        `${s.clientFirstFrameMs} / ${s.clientLastFrameMs} | ${s.serverP50Ms} | ` +
        `${s.serverP95Ms} | ${s.serverCpuMsPerEvent} | ${s.clientCpuMsPerEvent} |`,
    );
  log(
    `two instances add (median of paired rounds) ${report.twoInstancesAddMsP95.client} ms at client p95, ` +
      `${report.twoInstancesAddMsP95.server} ms at server p95; RSS ${rssPerConnectionKb} KB per connection`,
  );
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  for (const s of sockets) s.terminate();
  for (const server of servers) server.stop();
}

function inDatabase(url, name) {
  const u = new URL(url ?? 'postgres://ppt_api:ppt_api@127.0.0.1:5432/ppt');
  u.pathname = `/${name}`;
  return u.toString();
}

function start(port) {
  const profile = PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'reports/bench-ws')}`, `--cpu-prof-name=api-server-${port}.cpuprofile`]
    : [];
  const server = startProcess([...profile, '-r', '@swc-node/register', join(ROOT, 'apps/api-server/src/main.ts')], {
    ...env,
    API_PORT: String(port),
    SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json'),
  });
  return { ...server, port };
}

function rssKb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

function loadAverage() {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function openSockets(count, portOf, token, orgId) {
  received = new Map();
  for (let i = 0; i < count; i += OPEN_BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + OPEN_BATCH); j++) batch.push(openOne(portOf(j), token, orgId));
    sockets.push(...(await Promise.all(batch)));
  }
}

function openOne(port, token, orgId) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Authorization: `Bearer ${token}` } });
    ws.once('error', reject);
    ws.on('close', (code) => {
      if (code !== 1000 && code !== 1005 && code !== 1006) log(`socket closed by the server: ${code}`);
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data);
      if (frame.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', rooms: [`org:${orgId}`] }));
      else if (frame.type === 'subscribed') resolve(ws);
      else if (frame.type === 'event') {
        const latency = Date.now() - frame.event.payload.sentAt;
        const list = received.get(frame.id) ?? [];
        list.push(latency);
        received.set(frame.id, list);
      } else if (frame.type === 'error') reject(new Error(JSON.stringify(frame)));
    });
  });
}

async function closeSockets() {
  const all = sockets.splice(0);
  await Promise.all(
    all.map((ws) => new Promise((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : (ws.once('close', resolve), ws.close(1000))))),
  );
}

/**
 * EVENTS events, one every GAP_MS; after each, the active instances' ws_delivery_seconds (sum and count
 * moved by exactly one observation: that event's append → last frame handed over, per instance).
 */
async function broadcast(publisher, stream, orgId, active) {
  const ids = [];
  const serverMs = [];
  // CPU over the delivery windows only (append → before the scrape), not the scrapes themselves.
  let clientCpuUs = 0;
  let serverCpuUs = 0;
  // The instance without sockets in scenario 1: what it costs to be there.
  const idle = servers.filter((s) => !active.includes(s));
  let idleCpuUs = 0;
  let before = await Promise.all(active.map(deliveryMetric));
  for (let i = 0; i < EVENTS; i++) {
    const id = crypto.randomUUID();
    ids.push(id);
    const event = {
      id,
      // A real event type: the gateway delivers an event only to sockets whose role may see it
      // (EVENT_PERMISSIONS); an organisation announcement reaches every member of the org room.
      type: 'announcement.published',
      organizationId: orgId,
      aggregateId: id,
      aggregateVersion: 1,
      payload: { sentAt: 0, text: '' },
      occurredAt: '',
    };
    // A 200-byte payload, as the issue asks.
    event.payload.text = 'x'.repeat(Math.max(0, 200 - JSON.stringify({ ...event.payload, sentAt: Date.now() }).length));
    const now = Date.now();
    event.payload.sentAt = now;
    event.occurredAt = new Date(now).toISOString();
    const clientCpu0 = process.cpuUsage();
    const serverCpu0 = active.reduce((sum, s) => sum + cpuUs(s.pid), 0);
    const idleCpu0 = idle.reduce((sum, s) => sum + cpuUs(s.pid), 0);
    await publisher.xadd(stream, 'MAXLEN', '~', 10000, '*', 'e', JSON.stringify(event));
    await sleep(GAP_MS);
    const clientCpu = process.cpuUsage(clientCpu0);
    clientCpuUs += clientCpu.user + clientCpu.system;
    serverCpuUs += active.reduce((sum, s) => sum + cpuUs(s.pid), 0) - serverCpu0;
    idleCpuUs += idle.reduce((sum, s) => sum + cpuUs(s.pid), 0) - idleCpu0;
    const after = await Promise.all(active.map(deliveryMetric));
    const perInstance = after.map((a, k) => (a.count - before[k].count === 1 ? (a.sum - before[k].sum) * 1000 : NaN));
    // The event is delivered when the later instance has handed it to its last socket.
    if (perInstance.every(Number.isFinite)) serverMs.push(Math.max(...perInstance));
    before = after;
  }
  await sleep(3000); // stragglers
  const latencies = ids.flatMap((id) => received.get(id) ?? []);
  const q = (p) => (latencies.length ? percentile(latencies, p) : NaN);
  // Per event, its first and its last frame parsed here: the first is the pickup (stream read,
  // numbering) plus one send; the last, next to the server's last hand-over, shows the client's lag.
  const perEvent = ids.map((id) => received.get(id) ?? []).filter((l) => l.length > 0);
  const firstFrameMs = median(perEvent.map((l) => l.reduce((a, b) => Math.min(a, b), Infinity)));
  const lastFrameMs = median(perEvent.map((l) => l.reduce((a, b) => Math.max(a, b), -Infinity)));
  return {
    client: {
      delivered: latencies.length,
      lost: N * EVENTS - latencies.length,
      p50Ms: q(50),
      p95Ms: q(95),
      p99Ms: q(99),
      firstFrameMs,
      lastFrameMs,
    },
    server: {
      events: serverMs.length,
      p50Ms: round1(serverMs.length ? percentile(serverMs, 50) : NaN),
      p95Ms: round1(serverMs.length ? percentile(serverMs, 95) : NaN),
    },
    cpuMsPerEvent: {
      server: round1(serverCpuUs / 1000 / EVENTS),
      client: round1(clientCpuUs / 1000 / EVENTS),
      ...(idle.length ? { idle: round1(idleCpuUs / 1000 / EVENTS) } : {}),
    },
  };
}

/** The instance's ws_delivery_seconds sum and count (Prometheus text from GET /metrics). */
async function deliveryMetric(server) {
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: value('ws_delivery_seconds_sum'), count: value('ws_delivery_seconds_count') };
}

async function call(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

async function waitFor(url, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await sleep(500);
  }
}

function round1(x) {
  return Math.round(x * 10) / 10;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
