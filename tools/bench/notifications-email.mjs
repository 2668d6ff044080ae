#!/usr/bin/env node
// npm run bench:mail — issue #20's e-mail benchmark: 1,000 notifications by e-mail to a local SMTP
// server through the real dispatch → Bull → worker → nodemailer path; throughput and p95 reported.
// Needs the local PostgreSQL and Redis (as the tests do). BENCH_MAIL_COUNT, BENCH_MAIL_RECIPIENTS.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '../../..');
const res = spawnSync(
  process.execPath,
  ['-r', '@swc-node/register', join(root, 'tools/bench/notifications-email.ts')],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json' },
    encoding: 'utf8',
  },
);
if (res.status !== 0) process.exit(res.status ?? 1);
const line = res.stdout.trim().split('\n').pop();
const r = JSON.parse(line);
console.log(
  `notifications by e-mail: ${r.delivered}/${r.notifications} delivered (${r.lost} lost) to ${r.recipients} recipients`,
);
console.log(
  `  dispatch ${r.dispatchPerSecond}/s, delivered ${r.deliveredPerSecond}/s end to end (${r.totalSeconds} s)`,
);
console.log(
  `  latency dispatch → SMTP receipt: p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`,
);
console.log(line);
