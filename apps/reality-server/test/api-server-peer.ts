import { AnswerSigner, thumbprint } from '@ppt/auth';
import {
  closedPort,
  createTestDatabase,
  spawnEntryPoint,
  testRedisPrefix,
  TEST_REDIS_URL,
  testSigningKey,
  waitForStatus,
  WORKSPACE_ROOT,
  type SpawnedProcess,
} from '@ppt/testing';
import { sign, type JwtHeader } from 'jsonwebtoken';
import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

export const PASSWORD = 'correct horse battery staple';
const ISSUER = 'http://api.test';
const AUDIENCE = 'ppt';
/** The key ring portal replicas in these tests sign shared token answers with. */
export const ANNOUNCEMENT_KEYS = `k1:${randomBytes(32).toString('base64')}`;
/** Signs a shared token answer as a portal replica holding ANNOUNCEMENT_KEYS does. */
export const answerSigner = new AnswerSigner(ANNOUNCEMENT_KEYS);
/** The portal's audience: in users' tokens only (api-server's AUTH_PORTAL_AUDIENCE). */
const PORTAL_AUDIENCE = 'ppt-portal';

export interface PortalUser {
  id: string;
  email: string;
  accessToken: string;
}

/**
 * The real api-server, run from source as its own process (an app may not import another app), on
 * a fresh test database and a Redis key prefix the portal under test shares — as both do in a
 * deployment, where the revocation channel lives under that prefix. The portal's OAuth client is
 * created with api-server's admin CLI, the way an operator does it.
 */
export class ApiServerPeer {
  private constructor(
    readonly url: string,
    readonly redisPrefix: string,
    readonly client: { clientId: string; secret: string },
    private readonly server: SpawnedProcess,
    private readonly cleanup: () => Promise<void>,
    private readonly ownerUrl: string,
  ) {}

  /** `worker: true` also runs api-server's worker (the outbox relay that feeds the portal). */
  static async start(
    options: { worker?: boolean; env?: Record<string, string>; readyTimeoutMs?: number } = {},
  ): Promise<ApiServerPeer> {
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    const db = await createTestDatabase();
    const redis = testRedisPrefix();
    const [port, workerPort] = [await closedPort(), await closedPort()];
    const url = `http://127.0.0.1:${port}`;
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
      DATABASE_URL: db.appUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: redis.prefix,
      API_PORT: String(port),
      API_WORKER_PORT: String(workerPort),
      AUTH_JWT_PRIVATE_KEY: testSigningKey(),
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_PORTAL_AUDIENCE: PORTAL_AUDIENCE,
      ...options.env,
    };
    const server = spawnEntryPoint('apps/api-server/src/main.ts', env);
    const worker = options.worker
      ? spawnEntryPoint('apps/api-server/src/worker.ts', { ...env, DATABASE_URL: db.workerUrl })
      : undefined;
    const cleanup = async () => {
      for (const p of [server, worker]) {
        if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      }
      await Promise.all([db.drop(), redis.cleanup()]);
    };
    try {
      await waitForStatus(`${url}/health/ready`, (s) => s === 200, readyTimeoutMs);
      if (worker)
        await waitForStatus(`http://127.0.0.1:${workerPort}/health/ready`, (s) => s === 200, readyTimeoutMs);
      const clientId = `reality-server-${randomUUID().slice(0, 8)}`;
      const printed = await runAdminCli(
        [
          'create-client',
          '--client-id',
          clientId,
          '--name',
          'Reality Portal',
          '--scopes',
          'sso:introspect,listings:inquiries',
        ],
        db.ownerUrl,
      );
      const secret = printed.trim().split('\n').pop() ?? '';
      return new ApiServerPeer(url, redis.prefix, { clientId, secret }, server, cleanup, db.ownerUrl);
    } catch (err) {
      const output = server.output() + (worker?.output() ?? '');
      await cleanup();
      throw new Error(`api-server did not start: ${(err as Error).message}\n${output}`);
    }
  }

  /** An operator command (`npm run admin -- …`) against this api-server's database and Redis. */
  admin(args: string[]): Promise<string> {
    return runAdminCli(args, this.ownerUrl, { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: this.redisPrefix });
  }

  /** Settings that point a portal at this api-server. */
  portalEnv(): Record<string, string> {
    return {
      API_SERVER_URL: this.url,
      AUTH_ISSUER: ISSUER,
      AUTH_PORTAL_AUDIENCE: PORTAL_AUDIENCE,
      SSO_CLIENT_ID: this.client.clientId,
      SSO_CLIENT_SECRET: this.client.secret,
      SSO_ANNOUNCEMENT_KEYS: ANNOUNCEMENT_KEYS,
      REDIS_KEY_PREFIX: this.redisPrefix,
    };
  }

  /** Graceful stop (SIGTERM), as in a rollout or an outage. */
  async stop(): Promise<void> {
    if (this.server.child.exitCode !== null || this.server.child.signalCode !== null) return;
    this.server.child.kill('SIGTERM');
    await this.server.exited;
  }

  dispose(): Promise<void> {
    return this.cleanup();
  }

  async registerAndLogin(label = 'visitor'): Promise<PortalUser> {
    const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
    await this.post('/api/v1/auth/register', { email, password: PASSWORD, displayName: label }, 202);
    // Stands in for the verification link (an unverified account may not create an organisation).
    const db = new Client({ connectionString: this.ownerUrl });
    await db.connect();
    try {
      await db.query('UPDATE users SET email_verified_at = now() WHERE lower(email) = lower($1)', [email]);
    } finally {
      await db.end();
    }
    const tokens = await this.post('/api/v1/auth/login', { email, password: PASSWORD }, 200);
    const accessToken = tokens.accessToken as string;
    // register answers only "accepted" (no enumeration); the id is the token's subject.
    const id = JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString()).sub;
    return { id: id as string, email, accessToken };
  }

  /** Makes the account a platform administrator (as the admin CLI does) and signs it in again. */
  async platformAdminToken(email: string): Promise<string> {
    const db = new Client({ connectionString: this.ownerUrl });
    await db.connect();
    try {
      await db.query('UPDATE users SET is_platform_admin = true WHERE lower(email) = lower($1)', [email]);
    } finally {
      await db.end();
    }
    return this.login(email);
  }

  /** Another session of the same account (a second device). */
  async login(email: string): Promise<string> {
    return (await this.post('/api/v1/auth/login', { email, password: PASSWORD }, 200)).accessToken as string;
  }

  async logout(accessToken: string): Promise<void> {
    await this.post('/api/v1/auth/logout', undefined, 204, accessToken);
  }

  /** An organisation created by the user (org_admin), and the user's token acting in it. */
  async createOrganization(accessToken: string): Promise<{ id: string; token: string }> {
    const org = await this.post(
      '/api/v1/organizations',
      { name: `Org ${randomUUID().slice(0, 6)}` },
      201,
      accessToken,
    );
    const switched = await this.post(
      '/api/v1/auth/switch-organization',
      { organizationId: org.id },
      200,
      accessToken,
    );
    return { id: org.id as string, token: switched.accessToken as string };
  }

  async serviceToken(): Promise<string> {
    const body = {
      grant_type: 'client_credentials',
      client_id: this.client.clientId,
      client_secret: this.client.secret,
    };
    return (await this.post('/api/v1/oauth/token', body, 200)).access_token as string;
  }

  /** Requests api-server has served on a route (from its own /metrics), to see whether the portal called it. */
  async requestsTo(route: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('http_requests_total{') && line.includes(`route="${route}"`))
        total += Number(line.split(' ').pop());
    }
    return total;
  }

  /** Any request to api-server, for the test to judge the answer. */
  async call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  private async post(
    path: string,
    body: unknown,
    expected: number,
    bearer?: string,
  ): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expected)
      throw new Error(`POST ${path}: expected ${expected}, got ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }
}

function runAdminCli(args: string[], ownerUrl: string, extraEnv: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(WORKSPACE_ROOT, 'apps/api-server/src/cli/admin.cli.ts'), ...args],
      {
        cwd: WORKSPACE_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          DATABASE_MIGRATION_URL: ownerUrl,
          ...extraEnv,
          SWC_NODE_PROJECT: join(WORKSPACE_ROOT, 'tsconfig.base.json'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`admin CLI exited ${code}: ${stderr}`)),
    );
  });
}

/** Tokens made in the test: signed with api-server's own key (as if issued by it) or with another one. */
export const issuerKey = (): KeyObject =>
  createPrivateKey(Buffer.from(testSigningKey(), 'base64').toString('utf8'));

export function signAccessToken(
  claims: Record<string, unknown>,
  options: { key?: KeyObject; kid?: string; expiresInS?: number; typ?: string } = {},
): string {
  const key = options.key ?? issuerKey();
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: ISSUER,
    aud: [AUDIENCE, PORTAL_AUDIENCE],
    sub: randomUUID(),
    sid: randomUUID(),
    jti: randomUUID(),
    typ: 'access',
    org: null,
    role: null,
    iat: now,
    nbf: now,
    exp: now + (options.expiresInS ?? 900),
    ...claims,
  };
  return sign(payload, key, {
    algorithm: 'RS256',
    keyid: options.kid ?? thumbprint(createPublicKey(key)),
    header: { typ: options.typ ?? 'at+jwt' } as JwtHeader,
  });
}
