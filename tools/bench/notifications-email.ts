// Started by tools/bench/notifications-email.mjs (not a test): 1,000 notifications by e-mail through
// the real path — NotificationDeliveryService.dispatch (status rows in a tenant transaction, one Bull
// job each), api-server's worker (nodemailer over SMTP) — to a local SMTP server (smtp-server) that
// stamps each message's arrival. Reports dispatch rate, delivery throughput and end-to-end latency
// percentiles as one JSON line. Uses the migrated test template (built here if missing) and Redis.
import '../../migrations/jest-register-paths';
import globalSetup from '../../migrations/jest-global-setup';
import { bootTestApp, testSigningKey } from '@ppt/testing';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { ApiServerEnv } from '../../apps/api-server/src/api-server.env';
import { createApiServerApp } from '../../apps/api-server/src/api-server.app';
import { WorkerModule } from '../../apps/api-server/src/worker.module';
import { NotificationDeliveryService } from '@ppt/api-community-core';
import { createWorkerApp } from '@ppt/http';
import { Client } from 'pg';

const COUNT = Number(process.env.BENCH_MAIL_COUNT ?? 1000);
const RECIPIENTS = Number(process.env.BENCH_MAIL_RECIPIENTS ?? 50);
/** Dispatches in flight at once (as several trigger jobs and HTTP requests would). */
const CONCURRENCY = Number(process.env.BENCH_MAIL_CONCURRENCY ?? 10);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  await globalSetup();
  const arrivals = new Map<string, number>();
  let resolveAll: () => void = () => undefined;
  const allArrived = new Promise<void>((resolve) => (resolveAll = resolve));
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const key = /^Subject: bench (\S+)/m.exec(head)?.[1];
        if (key && !arrivals.has(key)) arrivals.set(key, performance.now());
        if (arrivals.size >= COUNT) resolveAll();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

  const server = await bootTestApp(ApiServerEnv, createApiServerApp, {
    AUTH_JWT_PRIVATE_KEY: testSigningKey(),
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: smtpUrl,
    LOG_LEVEL: 'warn',
  });
  const env = Object.assign(new ApiServerEnv(), server.env, { DATABASE_URL: server.db.workerUrl });
  const worker = await createWorkerApp(WorkerModule.register(env));
  await worker.init();

  // Fixtures straight into the database: one organisation, RECIPIENTS members.
  const owner = new Client({ connectionString: server.db.ownerUrl });
  await owner.connect();
  const orgId = randomUUID();
  await owner.query(`INSERT INTO organizations (id, name, slug) VALUES ($1, 'Bench Homes', $2)`, [
    orgId,
    `bench-${orgId.slice(0, 8)}`,
  ]);
  const users: string[] = [];
  for (let i = 0; i < RECIPIENTS; i++) {
    const id = randomUUID();
    await owner.query(
      `INSERT INTO users (id, email, password_hash, display_name, email_verified_at) VALUES ($1, $2, 'x', $3, now())`,
      [id, `bench-${i}-${id.slice(0, 6)}@example.test`, `Bench ${i}`],
    );
    await owner.query(`INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'tenant')`, [
      orgId,
      id,
    ]);
    users.push(id);
  }
  await owner.end();

  const delivery = server.app.get(NotificationDeliveryService, { strict: false });
  const sentAt = new Map<string, number>();
  const t0 = performance.now();
  let next = 0;
  const dispatcher = async () => {
    for (let i = next++; i < COUNT; i = next++) {
      const key = `n${i}`;
      sentAt.set(key, performance.now());
      // 'announcement' goes by e-mail by default.
      await delivery.dispatch(orgId, randomUUID(), [users[i % users.length]], {
        type: 'announcement',
        title: `bench ${key}`,
        body: 'A benchmark notification of about two hundred bytes of text, to look like a real short announcement body that residents receive.',
        link: '/announcements/bench',
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, dispatcher));
  const dispatched = performance.now();
  const timeout = setTimeout(() => resolveAll(), Number(process.env.BENCH_MAIL_TIMEOUT_MS ?? 600_000));
  await allArrived;
  clearTimeout(timeout);
  const done = performance.now();

  const latencies = [...arrivals.entries()]
    .map(([k, at]) => at - (sentAt.get(k) ?? at))
    .sort((a, b) => a - b);
  const result = {
    notifications: COUNT,
    recipients: RECIPIENTS,
    dispatchConcurrency: CONCURRENCY,
    delivered: arrivals.size,
    lost: COUNT - arrivals.size,
    dispatchPerSecond: Math.round((COUNT / (dispatched - t0)) * 1000),
    deliveredPerSecond: Math.round((arrivals.size / (done - t0)) * 1000),
    totalSeconds: Number(((done - t0) / 1000).toFixed(2)),
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      p99: Math.round(percentile(latencies, 99)),
      max: Math.round(latencies[latencies.length - 1] ?? 0),
    },
  };
  process.stdout.write(JSON.stringify(result) + '\n');
  await worker.close();
  await server.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  },
);
