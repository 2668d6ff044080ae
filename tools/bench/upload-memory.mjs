#!/usr/bin/env node
// Peak memory of api-server while one large file streams through POST /api/v1/documents: a
// generated 500 MB body (BENCH_UPLOAD_MB) is sent as multipart/form-data and stored with the local
// driver. The server's RSS is sampled from /proc every 20 ms, and its kernel-kept peak (VmHWM) read
// before and after; a flat profile means the upload never held the file. Loopback only; not a test.
//   node tools/bench/upload-memory.mjs
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { runDbCli } from '../lib/db.mjs';
import { localEnv } from '../lib/env.mjs';
import { markEmailVerified } from '../lib/verify-email.mjs';
import { ensurePostgres, ensureRedis } from '../lib/services.mjs';
import { ensureDependencies, log, ROOT } from '../lib/workspace.mjs';

const MiB = 1024 * 1024;
const UPLOAD_BYTES = Number(process.env.BENCH_UPLOAD_MB ?? 500) * 1000 * 1000;
const PORT = Number(process.env.BENCH_PORT ?? 3902);

ensureDependencies();
const env = localEnv();
const dataDir = env.PPT_DATA_DIR || join(ROOT, '.data');
const services = [
  await ensurePostgres(env.DATABASE_MIGRATION_URL, join(dataDir, 'postgres')),
  await ensureRedis(env.REDIS_URL, join(dataDir, 'redis')),
];
const storageRoot = await mkdtemp(join(tmpdir(), 'ppt-upload-bench-'));
let api;
try {
  if ((await runDbCli('provision', env)) !== 0 || (await runDbCli('up', env)) !== 0) throw new Error('database set-up failed');
  const base = `http://127.0.0.1:${PORT}`;
  // From source, as the process tests do (no build needed); the swc loader's memory is in the baseline.
  api = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/api-server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...env,
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json'),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      API_PORT: String(PORT),
      STORAGE_DRIVER: 'local',
      STORAGE_LOCAL_ROOT: storageRoot,
      STORAGE_PUBLIC_BASE_URL: `${base}/api/v1/storage`,
      DOCUMENT_MAX_BYTES: String(UPLOAD_BYTES + MiB),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor(`${base}/health/live`);
  const token = await organizationToken(base);

  // Warm up (JIT, pools, first upload path) with a small file, then measure.
  await upload(base, token, MiB);
  const before = memory(api.pid);
  let peakSampled = before.rss;
  const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, memory(api.pid).rss)), 20);
  const started = Date.now();
  const status = await upload(base, token, UPLOAD_BYTES);
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const after = memory(api.pid);
  if (status !== 201) throw new Error(`upload answered ${status}`);

  const mb = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
  log(`uploaded ${(UPLOAD_BYTES / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s (${(UPLOAD_BYTES / 1e6 / seconds).toFixed(0)} MB/s), local driver`);
  log(`  RSS before the upload:        ${mb(before.rss)}`);
  log(`  peak RSS while uploading:     ${mb(peakSampled)} (sampled every 20 ms)`);
  log(`  peak RSS of the process:      ${mb(before.hwm)} before → ${mb(after.hwm)} after (VmHWM)`);
  log(`  growth of the peak:           ${mb(after.hwm - before.hwm)} for a ${mb(UPLOAD_BYTES)} file`);
} finally {
  api?.kill('SIGTERM');
  await rm(storageRoot, { recursive: true, force: true });
  for (const service of services.reverse()) await service.stop().catch(() => undefined);
}

/** Current and peak resident set size of a Linux process, in bytes. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Sends `size` bytes ("%PDF-" then random blocks, generated as they are sent) as a multipart upload. */
function upload(base, token, size) {
  const boundary = `----ppt-bench-${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\nreport\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const block = randomBytes(MiB);
  async function* body() {
    yield head;
    yield Buffer.from('%PDF-1.7\n');
    for (let sent = 9; sent < size; sent += MiB) yield block.subarray(0, Math.min(MiB, size - sent));
    yield tail;
  }
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/v1/documents`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(head.length + size + tail.length),
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    pipeline(Readable.from(body()), req).catch(reject);
  });
}

async function organizationToken(base) {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const password = 'bench password long enough';
  const call = async (path, body, token) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await call('/auth/register', { email, password, displayName: 'Bench' });
  await markEmailVerified(env.DATABASE_MIGRATION_URL, email);
  const { accessToken } = await call('/auth/login', { email, password });
  const org = await call('/organizations', { name: `Bench ${email}` }, accessToken);
  return (await call('/auth/switch-organization', { organizationId: org.id }, accessToken)).accessToken;
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
