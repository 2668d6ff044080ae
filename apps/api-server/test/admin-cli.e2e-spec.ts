import { SecretBox } from '@ppt/config';
import { WORKSPACE_ROOT } from '@ppt/testing';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { webhookSecretContext } from '@ppt/api-identity-core';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { bootApiServer, createTestWorker, type BootedApiServer } from './boot';
import {
  asOwner,
  bearer,
  createOrganization,
  login,
  registerAndLogin,
  submitRegistration,
  uniqueEmail,
} from './identity';

const NEW_PASSWORD = 'a brand new password 2026';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Each CLI run compiles its TypeScript on start (swc-node), seconds each on a busy machine.
jest.setTimeout(120_000);

describe('admin CLI (apps/api-server/src/cli/admin.cli.ts)', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();

  beforeAll(async () => {
    server = await bootApiServer();
  });
  afterAll(() => server.close());

  /** Runs the CLI as `npm run admin` would, as the database owner, with `stdin` piped in (not a terminal). */
  function admin(args: string[], stdin = '', env: Record<string, string> = {}): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', join(WORKSPACE_ROOT, 'apps/api-server/src/cli/admin.cli.ts'), ...args],
        {
          cwd: WORKSPACE_ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            NODE_ENV: 'test',
            DATABASE_MIGRATION_URL: server.db.ownerUrl,
            REDIS_URL: server.env.REDIS_URL,
            REDIS_KEY_PREFIX: server.env.REDIS_KEY_PREFIX,
            SWC_NODE_PROJECT: join(WORKSPACE_ROOT, 'tsconfig.base.json'),
            ...env,
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
  }

  /** The platform audit log's rows (no organisation) of one entity, oldest first. */
  function platformAudit(entityId: string): Promise<Record<string, unknown>[]> {
    return asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.platform_scope', 'platform-audit', true)`);
      const { rows } = await db.query(
        `SELECT action, organization_id, actor_user_id, actor_client_id, entity_type, details, user_agent
           FROM audit_log WHERE entity_id = $1 ORDER BY created_at`,
        [entityId],
      );
      await db.query('COMMIT');
      return rows;
    });
  }

  /** An operator's row: the tool, no user, no organisation, no request. */
  const byCli = (action: string, entityType: string | null, details: unknown) => ({
    action,
    organization_id: null,
    actor_user_id: null,
    actor_client_id: 'admin-cli',
    entity_type: entityType,
    details,
    user_agent: 'ppt-admin-cli',
  });

  const userIdOf = (email: string) =>
    asOwner(server, async (db) =>
      String((await db.query(`SELECT id FROM users WHERE lower(email) = lower($1)`, [email])).rows[0].id),
    );

  it('refuses a password on the command line, where the process list and shell history show it', async () => {
    const email = uniqueEmail('argv-admin');
    for (const args of [
      ['create-admin', '--email', email, '--password', NEW_PASSWORD],
      ['create-admin', '--email', email, `--password=${NEW_PASSWORD}`],
    ]) {
      const run = await admin(args, `${NEW_PASSWORD}\n`);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('passwords are not taken from the command line');
    }
    await request(http()).post('/api/v1/auth/login').send({ email, password: NEW_PASSWORD }).expect(401);
  });

  it('creates a platform administrator with the password read from stdin', async () => {
    const email = uniqueEmail('stdin-admin');
    const run = await admin(['create-admin', '--email', email], `${NEW_PASSWORD}\n`);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Created platform administrator ${email}`);
    const { accessToken } = await login(http(), email, NEW_PASSWORD);
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(accessToken)).expect(200);
    expect(me.body.platformAdmin).toBe(true);

    // Once more: the account is promoted again (new password), its session ends.
    const again = await admin(['create-admin', '--email', email], `${NEW_PASSWORD} 2\n`);
    expect(again.stdout).toContain(
      `Promoted ${email} to platform administrator (password updated, 1 session(s) ended)`,
    );
    await request(http()).get('/api/v1/auth/me').set(bearer(accessToken)).expect(401);
    expect(await platformAudit(await userIdOf(email))).toEqual([
      byCli('user.platform_admin_granted', 'user', { created: true }),
      byCli('user.platform_admin_granted', 'user', { created: false }),
    ]);
  });

  it('reset-password sets the password from stdin and ends every session of the account at once', async () => {
    const user = await registerAndLogin(http(), 'reset-by-operator');
    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);

    const run = await admin(['reset-password', '--email', user.email], `${NEW_PASSWORD}\n`);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Set a new password for ${user.email} and ended 1 session(s)`);

    await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(401);
    await request(http()).post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
    await login(http(), user.email, NEW_PASSWORD);
    // Audited as the HTTP reset is, with the operator's tool as the actor.
    expect(await platformAudit(user.id)).toEqual(
      expect.arrayContaining([byCli('auth.password_reset', 'user', null)]),
    );
  });

  it('create-client and ensure-client go through the identity service and are audited', async () => {
    const clientId = `cli-client-${randomUUID()}`;
    const created = await admin([
      'create-client',
      '--client-id',
      clientId,
      '--name',
      'CLI',
      '--scopes',
      'listings:read',
    ]);
    expect(created.stderr).toBe('');
    const secret = created.stdout.trim().split('\n').pop() ?? '';
    const token = (s: string) =>
      request(http())
        .post('/api/v1/oauth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: clientId, client_secret: s });
    expect((await token(secret).expect(200)).body.scope).toBe('listings:read');

    const taken = await admin(['create-client', '--client-id', clientId, '--name', 'CLI', '--scopes', 'x']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('exists already');

    const newSecret = randomBytes(24).toString('base64url');
    const ensured = await admin(
      [
        'ensure-client',
        '--client-id',
        clientId,
        '--name',
        'CLI 2',
        '--scopes',
        'listings:read,sso:introspect',
      ],
      '',
      { OAUTH_CLIENT_SECRET: newSecret },
    );
    expect(ensured.stdout).toContain(
      `OAuth client ${clientId} updated (scopes listings:read sso:introspect)`,
    );
    await token(secret).expect(401);
    await token(newSecret).expect(200);

    expect(await platformAudit(clientId)).toEqual([
      byCli('oauth_client.created', 'oauth_client', { scopes: ['listings:read'] }),
      byCli('oauth_client.updated', 'oauth_client', { scopes: ['listings:read', 'sso:introspect'] }),
    ]);
  });

  it('create-organization goes through the identity service: org_admin member, audit row and outbox event', async () => {
    const user = await registerAndLogin(http(), 'cli-org-admin');
    const run = await admin(['create-organization', '--name', 'SVJ Operátor 7', '--admin-email', user.email]);
    expect(run.stderr).toBe('');
    const [, id] =
      /Created organisation "SVJ Operátor 7" \(([0-9a-f-]{36})\) with (?:.+) as org_admin/.exec(run.stdout) ??
      [];
    expect(id).toBeDefined();

    // The account sees it as its own, as org_admin (the HTTP path's result).
    const mine = await request(http()).get('/api/v1/organizations').set(bearer(user.accessToken)).expect(200);
    expect(mine.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, name: 'SVJ Operátor 7', role: 'org_admin' })]),
    );
    const { audit, outbox } = await asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [id]);
      const audit = await db.query(
        `SELECT action, actor_user_id, actor_client_id, entity_type, details, user_agent
           FROM audit_log WHERE organization_id = $1`,
        [id],
      );
      const outbox = await db.query(
        `SELECT type, aggregate_type, payload FROM outbox WHERE organization_id = $1`,
        [id],
      );
      await db.query('COMMIT');
      return { audit: audit.rows, outbox: outbox.rows };
    });
    // Who did it: the operator's tool, not the account it made admin.
    expect(audit).toEqual([
      {
        action: 'organization.created',
        actor_user_id: null,
        actor_client_id: 'admin-cli',
        entity_type: 'organization',
        details: {
          name: 'SVJ Operátor 7',
          slug: expect.stringMatching(/^svj-operator-7-[0-9a-f]{6}$/),
          adminUserId: user.id,
        },
        user_agent: 'ppt-admin-cli',
      },
    ]);
    expect(outbox).toEqual([
      {
        type: 'organization.created',
        aggregate_type: 'organization',
        payload: {
          organizationId: id,
          name: 'SVJ Operátor 7',
          slug: audit[0].details.slug,
          adminUserId: user.id,
        },
      },
    ]);
  });

  it('create-organization refuses an account whose e-mail address is not proven, and writes nothing', async () => {
    const email = uniqueEmail('cli-unverified');
    await submitRegistration(http(), email);
    const run = await admin(['create-organization', '--name', 'Never made', '--admin-email', email]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has not confirmed its e-mail address yet');
    const count = await asOwner(server, async (db) =>
      Number((await db.query(`SELECT count(*) FROM organizations WHERE name = 'Never made'`)).rows[0].count),
    );
    expect(count).toBe(0);
  });

  it('reseal-secrets re-encrypts sealed portal secrets under the current key, so the old key can go', async () => {
    const oldRing = `k1:${randomBytes(32).toString('base64')}`;
    const newKey = `k2:${randomBytes(32).toString('base64')}`;
    const owner = await registerAndLogin(http(), 'portal-owner');
    const org = await createOrganization(http(), owner);
    const credentials = JSON.stringify({ username: 'agency', password: 'portal password' });
    const inbound = JSON.stringify(['webhook signing secret']);
    const old = new SecretBox(oldRing);
    await asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [org.id]);
      await db.query(
        `INSERT INTO portal_targets (organization_id, portal, credentials_sealed, inbound_secrets_sealed)
         VALUES ($1, 'sreality', $2, $3)`,
        [
          org.id,
          old.seal(credentials, `${org.id}:sreality`),
          old.seal(inbound, `${org.id}:sreality:inbound`),
        ],
      );
      await db.query('COMMIT');
    });

    const run = await admin(['reseal-secrets'], '', { SECRETS_ENCRYPTION_KEYS: `${newKey},${oldRing}` });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Re-sealed the secrets of 1 of 1 portal target(s)');

    const [row] = await asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [org.id]);
      const res = await db.query(
        `SELECT credentials_sealed, inbound_secrets_sealed FROM portal_targets WHERE organization_id = $1`,
        [org.id],
      );
      await db.query('COMMIT');
      return res.rows as { credentials_sealed: string; inbound_secrets_sealed: string }[];
    });
    // The new key alone opens both, bound to the same organisation, portal and field as before.
    const current = new SecretBox(newKey);
    expect(current.open(row.credentials_sealed, `${org.id}:sreality`)).toBe(credentials);
    expect(current.open(row.inbound_secrets_sealed, `${org.id}:sreality:inbound`)).toBe(inbound);

    const again = await admin(['reseal-secrets'], '', { SECRETS_ENCRYPTION_KEYS: `${newKey},${oldRing}` });
    expect(again.stdout).toContain('Re-sealed the secrets of 0 of 1 portal target(s)');

    // Each run in the platform audit log, with what it re-sealed.
    const runs = await asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.platform_scope', 'platform-audit', true)`);
      const { rows } = await db.query(
        `SELECT action, organization_id, actor_user_id, actor_client_id, entity_type, details, user_agent
           FROM audit_log WHERE action = 'secrets.resealed' ORDER BY created_at DESC LIMIT 2`,
      );
      await db.query('COMMIT');
      return rows;
    });
    expect(runs.map((r) => (r as { details: { portals: unknown } }).details.portals)).toEqual([
      { resealed: 0, total: 1 },
      { resealed: 1, total: 1 },
    ]);
    expect(runs[0]).toEqual(byCli('secrets.resealed', null, expect.any(Object)));
  });

  it('reseal-secrets re-encrypts AI provider keys too', async () => {
    const oldRing = `k1:${randomBytes(32).toString('base64')}`;
    const newKey = `k2:${randomBytes(32).toString('base64')}`;
    const owner = await registerAndLogin(http(), 'ai-key-owner');
    const org = await createOrganization(http(), owner);
    const context = `${org.id}:assistant-api-key`;
    await asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [org.id]);
      await db.query(
        `INSERT INTO assistant_settings (organization_id, provider, base_url, model, api_key_sealed, temperature, max_tokens)
         VALUES ($1, 'openai', 'https://api.openai.com/v1', 'gpt-4o-mini', $2, 0.2, 512)`,
        [org.id, new SecretBox(oldRing).seal('sk-provider-key', context)],
      );
      await db.query('COMMIT');
    });
    const run = await admin(['reseal-secrets'], '', { SECRETS_ENCRYPTION_KEYS: `${newKey},${oldRing}` });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/Re-sealed the AI provider keys of 1 of \d+ organisation\(s\)/);
    const sealed = await asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [org.id]);
      const res = await db.query(`SELECT api_key_sealed FROM assistant_settings WHERE organization_id = $1`, [
        org.id,
      ]);
      await db.query('COMMIT');
      return res.rows[0].api_key_sealed as string;
    });
    expect(new SecretBox(newKey).open(sealed, context)).toBe('sk-provider-key');
  });

  it('reseal-secrets re-encrypts alert webhook secrets too', async () => {
    const oldRing = `k1:${randomBytes(32).toString('base64')}`;
    const newKey = `k2:${randomBytes(32).toString('base64')}`;
    const id = randomUUID();
    // Platform admins' rules are written by api-server's role in the 'platform-alerts' scope.
    const inAlertsScope = async <T>(work: (db: Client) => Promise<T>): Promise<T> => {
      const db = new Client({ connectionString: server.db.appUrl });
      await db.connect();
      try {
        await db.query('BEGIN');
        await db.query(`SELECT set_config('app.platform_scope', 'platform-alerts', true)`);
        const result = await work(db);
        await db.query('COMMIT');
        return result;
      } finally {
        await db.end();
      }
    };
    await inAlertsScope((db) =>
      db.query(
        `INSERT INTO alert_rules (id, name, kind, params, comparator, threshold, channels, webhook_secret_sealed)
         VALUES ($1, 'Backlog', 'queue_backlog_age', '{"queue":"notifications"}', '>', 600, $2, $3)`,
        [
          id,
          JSON.stringify({ emails: [], webhookUrl: 'https://hooks.example.com/a', inApp: false }),
          new SecretBox(oldRing).seal('whsec_test', webhookSecretContext(id)),
        ],
      ),
    );
    const run = await admin(['reseal-secrets'], '', { SECRETS_ENCRYPTION_KEYS: `${newKey},${oldRing}` });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/Re-sealed the webhook secrets of 1 of \d+ alert rule\(s\)/);
    const sealed = await inAlertsScope(
      async (db) =>
        (await db.query(`SELECT webhook_secret_sealed FROM alert_rules WHERE id = $1`, [id])).rows[0]
          .webhook_secret_sealed as string,
    );
    expect(new SecretBox(newKey).open(sealed, webhookSecretContext(id))).toBe('whsec_test');
    await inAlertsScope((db) => db.query(`DELETE FROM alert_rules WHERE id = $1`, [id]));
  });

  it('reseal-secrets re-seals portal secrets and provider keys in one transaction; the reseal scope is the CLI role only', async () => {
    const oldRing = `k1:${randomBytes(32).toString('base64')}`;
    const newKey = `k2:${randomBytes(32).toString('base64')}`;
    const owner = await registerAndLogin(http(), 'reseal-atomic');
    const org = await createOrganization(http(), owner);
    const old = new SecretBox(oldRing);
    const credentialsSealed = old.seal('{"username":"u","password":"p"}', `${org.id}:sreality`);
    await asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [org.id]);
      await db.query(
        `INSERT INTO portal_targets (organization_id, portal, credentials_sealed) VALUES ($1, 'sreality', $2)`,
        [org.id, credentialsSealed],
      );
      // A provider key sealed for another context: it cannot be opened, so the rotation must fail.
      await db.query(
        `INSERT INTO assistant_settings (organization_id, provider, base_url, model, api_key_sealed, temperature, max_tokens)
         VALUES ($1, 'openai', 'https://api.openai.com/v1', 'gpt-4o-mini', $2, 0.2, 512)`,
        [org.id, old.seal('sk-provider-key', 'another-context')],
      );
      await db.query('COMMIT');
    });

    // api-server's own role cannot borrow the CLI's platform scope to read every organisation's key.
    const app = new Client({ connectionString: server.db.appUrl });
    await app.connect();
    try {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.platform_scope', 'secrets-reseal', true)`);
      expect((await app.query(`SELECT api_key_sealed FROM assistant_settings`)).rows).toEqual([]);
      expect((await app.query(`SELECT credentials_sealed FROM portal_targets`)).rows).toEqual([]);
      await app.query('ROLLBACK');
    } finally {
      await app.end();
    }

    const run = await admin(['reseal-secrets'], '', { SECRETS_ENCRYPTION_KEYS: `${newKey},${oldRing}` });
    expect(run.code).not.toBe(0);
    expect(run.stdout).not.toContain('Re-sealed the secrets');
    // Nothing was re-sealed: the portal secret is still the one sealed under the old key.
    const stored = await asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [org.id]);
      const res = await db.query(`SELECT credentials_sealed FROM portal_targets WHERE organization_id = $1`, [
        org.id,
      ]);
      await db.query('COMMIT');
      return res.rows[0].credentials_sealed as string;
    });
    expect(stored).toBe(credentialsSealed);
  });

  it('document-search:backfill runs a backfill pass in the worker now: a document from before indexing gets its chunks', async () => {
    const owner = await registerAndLogin(http(), 'backfill-owner');
    const org = await createOrganization(http(), owner);
    const documentId = randomUUID();
    // Extracted before document search existed (an hour ago: past the backfill's grace window): text, no chunks.
    await asOwner(server, (db) =>
      db.query(
        `INSERT INTO documents (id, organization_id, title, category, status, file_name, object_key, content_type,
                                size_bytes, text_status, extracted_text, created_at, updated_at)
         VALUES ($1, $2, 'Domovní řád', 'other', 'active', 'rad.txt', $3, 'text/plain', 40, 'extracted',
                 'Noční klid platí od 22:00 do 6:00.', now() - interval '1 hour', now() - interval '1 hour')`,
        [documentId, org.id, `documents/${org.id}/${documentId}`],
      ),
    );
    const worker = await createTestWorker(server);
    await worker.init();
    try {
      const run = await admin(['document-search:backfill', '--wait']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Queued a document search backfill pass \(job document-search-backfill:\d+\)$/m);
      const totals = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { indexed?: number };
      expect(totals.indexed).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.close();
    }
    const chunks = await asOwner(server, (db) =>
      db.query(`SELECT text FROM document_chunks WHERE organization_id = $1 AND version_id = $2`, [org.id, documentId]),
    );
    expect(chunks.rows.map((r) => r.text)).toEqual(['Noční klid platí od 22:00 do 6:00.']);
  });
});
