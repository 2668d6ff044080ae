import {
  closedPort,
  createTestDatabase,
  spawnEntryPoint,
  startPrivateRedis,
  waitForStatus,
  type PrivateRedis,
  type SpawnedProcess,
  testSigningKey,
  type TestDatabase,
} from '@ppt/testing';
import http from 'node:http';

/** The api-server as a real process (main.ts), the way Kubernetes runs it. */
describe('api-server process', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let server: SpawnedProcess;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await startPrivateRedis(['--maxmemory-policy', 'noeviction']);
    const port = await closedPort();
    base = `http://127.0.0.1:${port}`;
    server = spawnEntryPoint('apps/api-server/src/main.ts', {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // Production requires the unsubscribe links' key ring (any 32+ characters here; nothing is mailed).
      NOTIFICATION_UNSUBSCRIBE_SECRETS: 'u'.repeat(32),
      // Production refuses MAIL_TRANSPORT=log; nothing here sends mail, so the server need not exist.
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: 'smtp://127.0.0.1:2525',
      DATABASE_URL: db.appUrl,
      REDIS_URL: redis.url,
      API_PORT: String(port),
      AUTH_JWT_PRIVATE_KEY: testSigningKey(),
      SHUTDOWN_DRAIN_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    await waitForStatus(`${base}/health/ready`, (s) => s === 200, 60_000);
  }, 90_000);

  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await redis.dispose();
    await db.drop();
  });

  it('turns readiness to 503 within 5 s when Redis stops, keeps liveness 200, and recovers when it returns', async () => {
    await redis.stop();
    const toDown = await waitForStatus(`${base}/health/ready`, (s) => s === 503, 5000);
    expect(toDown).toBeLessThan(5000);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);

    await redis.start();
    await waitForStatus(`${base}/health/ready`, (s) => s === 200, 10_000);
  });

  it('finishes every accepted request on SIGTERM, keep-alive connections included, and exits 0 within 10 s', async () => {
    const agents = [new http.Agent({ keepAlive: false }), new http.Agent({ keepAlive: true })];
    const closedByServer: boolean[] = [];
    let keepAliveHint: string | undefined;
    const results: { status?: number; error?: string; afterSignal: boolean }[] = [];
    let signalled = false;
    let routedAway = false; // what a load balancer does once readiness fails

    const get = (path: string, agent = agents[0]) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(`${base}${path}`, { agent }, (res) => {
            if (agent === agents[1] && signalled) closedByServer.push(res.headers.connection === 'close');
            if (agent === agents[1] && !signalled) keepAliveHint = String(res.headers['keep-alive']);
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });

    const client = async (agent: http.Agent) => {
      while (!routedAway) {
        try {
          results.push({ status: await get('/health/live', agent), afterSignal: signalled });
        } catch (err) {
          results.push({ error: (err as NodeJS.ErrnoException).code ?? String(err), afterSignal: signalled });
        }
      }
    };
    const readinessWatcher = async () => {
      while (!routedAway) {
        if (signalled && (await get('/health/ready').catch(() => 0)) !== 200) routedAway = true;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const burst = Promise.all([
      ...Array.from({ length: 8 }, (_, i) => client(agents[i % 2])),
      readinessWatcher(),
    ]);
    await new Promise((r) => setTimeout(r, 300));
    const signalledAt = Date.now();
    signalled = true;
    server.child.kill('SIGTERM');
    await burst;
    const code = await server.exited;

    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.afterSignal).length).toBeGreaterThan(0);
    // Idle connections outlive a load balancer's 60 s; once the signal arrived, they were told to close.
    expect(keepAliveHint).toBe('timeout=65');
    expect(closedByServer).toContain(true);
    expect(server.output()).not.toMatch(/ECONNRESET|Unhandled/);
  });
});

describe('api-server start-up with bad configuration', () => {
  it('exits 1 with one readable message naming each problem, and no stack trace', async () => {
    const proc = spawnEntryPoint('apps/api-server/src/main.ts', {
      OTEL_SDK_DISABLED: 'true',
      DATABASE_URL: 'mysql://somewhere/db',
      AUTH_JWT_PRIVATE_KEY: 'short',
      API_PORT: '99999',
    });
    expect(await proc.exited).toBe(1);
    const output = proc.output();
    expect(output).toContain('api-server failed to start: Invalid configuration (3 problems)');
    expect(output).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(output).toContain(
      'AUTH_JWT_PRIVATE_KEY: must be an RSA private key (PEM or base64 PEM) (currently set (hidden))',
    );
    expect(output).toMatch(/API_PORT: .*99999/);
    expect(output).not.toMatch(/\n\s+at /);
  }, 30_000);
});
