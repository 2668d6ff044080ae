/* eslint-disable no-console -- a command-line tool */
import { CoreEnv, SecretBox } from '@ppt/config';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AlertRule, AssistantSettings, OAuthClient, PortalTarget, User } from '@ppt/api-db';
import { QueueName, SyndicationJob, waitForJob } from '@ppt/queue';
import { RedisConnections } from '@ppt/redis';
import Bull from 'bull';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { DataSource, type EntityManager } from 'typeorm';
import { apiKeyContext } from '@ppt/api-assistant-core';
import {
  OrganizationsService,
  Passwords,
  SessionStore,
  UsersService,
  webhookSecretContext,
} from '@ppt/api-identity-core';
import { credentialsContext, inboundSecretsContext } from '@ppt/api-marketing-core';
import { AdminCliModule } from './admin-cli.module';
import { readPassword } from './read-password';

const USAGE = `Operator commands (run as the database owner, DATABASE_MIGRATION_URL — an explicit unscoped path):
  create-admin         --email <e-mail> [--name <display name>]        (password: prompt or stdin)
                       creates a platform administrator, or promotes an existing account
                       (then sets its password and ends its sessions)
  reset-password       --email <e-mail>                                 (password: prompt or stdin)
                       sets an account's password and ends all of its sessions
  create-organization  --name <name> --admin-email <e-mail> [--slug <slug>]
                       creates an organisation with that account as org_admin
  create-client        --client-id <id> --name <name> --scopes <a,b,…>
                       creates an OAuth client (client credentials) and prints its secret once
  ensure-client        --client-id <id> --name <name> --scopes <a,b,…>   (secret in OAUTH_CLIENT_SECRET)
                       creates the client with that secret, or sets its secret and scopes (local set-up)
  reseal-secrets       re-encrypts every sealed secret still under an older key of SECRETS_ENCRYPTION_KEYS
                       with its first (current) key; afterwards the older keys can leave the ring
  portal:rebuild       [--organization <id>] [--wait]
                       replays the current listings into our own portal's read model (a job for the api
                       worker, through the normal portal-sync path); --wait prints the summary when done

Passwords are never taken from the command line (other users of the machine can read it): the
commands prompt for them (hidden) on a terminal, or read the first line of stdin, e.g.
  printf '%s\n' "$PASSWORD" | npm run admin -- create-admin --email ops@example.com`;

const passwords = new Passwords();
const REDIS_CONNECT_TIMEOUT_MS = 5000;

/** The audit log's actor of an operator's change: no signed-in user, this client id. */
const ADMIN_CLI_CLIENT_ID = 'admin-cli';

/** What an operator command changes is stamped with no request, only the tool's name. */
const CLI_REQUEST = { ip: null, userAgent: 'ppt-admin-cli', requestId: null };

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (rest.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new Error(
      'passwords are not taken from the command line (it shows in the process list and shell history); ' +
        'type it at the prompt or pipe it on stdin',
    );
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      'admin-email': { type: 'string' },
      slug: { type: 'string' },
      'client-id': { type: 'string' },
      scopes: { type: 'string' },
      organization: { type: 'string' },
      wait: { type: 'boolean' },
    },
  });
  // Needs Redis only (the worker does the work in its own database role).
  if (command === 'portal:rebuild') return rebuildRealityPortal(values.organization, values.wait === true);
  const url = process.env.DATABASE_MIGRATION_URL;
  if (!url) throw new Error('DATABASE_MIGRATION_URL is not set (see .env.example)');
  // The identity services the HTTP path uses (audit and events included), in a Nest context of their own.
  const app = await NestFactory.createApplicationContext(AdminCliModule.register(process.env, url), {
    logger: ['error'],
  });
  const ds = app.get(DataSource);
  try {
    switch (command) {
      case 'create-admin':
        return await createAdmin(app, need(values.email, '--email'), await readPassword(), values.name);
      case 'reset-password':
        return await resetPassword(app, need(values.email, '--email'), await readPassword());
      case 'reseal-secrets':
        return await resealSecrets(ds, need(process.env.SECRETS_ENCRYPTION_KEYS, 'SECRETS_ENCRYPTION_KEYS'));
      case 'create-organization':
        return await createOrganization(
          app,
          need(values.name, '--name'),
          need(values['admin-email'], '--admin-email'),
          values.slug,
        );
      case 'create-client':
        return await createClient(
          ds,
          need(values['client-id'], '--client-id'),
          need(values.name, '--name'),
          need(values.scopes, '--scopes'),
        );
      case 'ensure-client':
        return await ensureClient(
          ds,
          need(values['client-id'], '--client-id'),
          need(values.name, '--name'),
          need(values.scopes, '--scopes'),
          need(process.env.OAUTH_CLIENT_SECRET, 'OAUTH_CLIENT_SECRET'),
        );
      default:
        console.log(USAGE);
        process.exitCode = command ? 2 : 0;
    }
  } finally {
    await app.close();
  }
}

async function createAdmin(
  app: INestApplicationContext,
  email: string,
  password: string,
  name?: string,
): Promise<void> {
  const ds = app.get(DataSource);
  const passwordHash = await hashNewPassword(password);
  const existing = await findUser(ds.manager, email);
  if (existing) {
    await ds.manager.update(
      User,
      { id: existing.id },
      { isPlatformAdmin: true, passwordHash, disabledAt: null },
    );
    const ended = await endSessions(app, existing.id);
    console.log(
      `Promoted ${existing.email} to platform administrator (password updated, ${ended} session(s) ended)`,
    );
    return;
  }
  const user = await ds.manager.save(
    ds.manager.create(User, {
      email,
      displayName: name ?? email.split('@')[0],
      passwordHash,
      isPlatformAdmin: true,
      emailVerifiedAt: new Date(),
      disabledAt: null,
    }),
  );
  console.log(`Created platform administrator ${user.email} (${user.id})`);
}

async function resetPassword(app: INestApplicationContext, email: string, password: string): Promise<void> {
  const ds = app.get(DataSource);
  const passwordHash = await hashNewPassword(password);
  const user = await findUser(ds.manager, email);
  if (!user) throw new Error(`no account with the e-mail ${email}`);
  // As a reset by e-mail does: reset links mailed before stop working with the old password.
  await ds.transaction(async (m) => {
    await m.update(User, { id: user.id }, { passwordHash });
    await app.get(UsersService).spendEmailTokens(user.id, 'reset_password', m);
  });
  const ended = await endSessions(app, user.id);
  console.log(`Set a new password for ${user.email} and ended ${ended} session(s)`);
}

async function hashNewPassword(password: string): Promise<string> {
  if (password.length < 12) throw new Error('the password must have at least 12 characters');
  return passwords.hash(password);
}

/**
 * Ends every session of the account the way logout does: marked ended in Redis and announced to every
 * running api-server and portal inside the PostgreSQL transaction that revokes them, so no access token
 * of it works on.
 * (Operator sessions of Bull Board end by themselves: they check the password hash on each request.)
 */
async function endSessions(app: INestApplicationContext, userId: string): Promise<number> {
  // SessionStore's cache client fails fast instead of queueing: let it connect before it is used.
  const cache = app.get(RedisConnections).get('sessions', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  if (cache.status !== 'ready') {
    await once(cache, 'ready', { signal: AbortSignal.timeout(REDIS_CONNECT_TIMEOUT_MS) }).catch(() => {
      throw new Error('Redis did not answer: no session was ended (the password is changed; run the command again)');
    });
  }
  // Ended in PostgreSQL only once Redis has taken it and it is announced (one transaction, as logout).
  const ended = await app.get(SessionStore).revoke({ userId }, 'password_reset');
  return ended.length;
}

const REBUILD_WAIT_MS = 30 * 60 * 1000;

/**
 * Queues the rebuild of our own portal's read model for the api worker (SyndicationJob.RebuildRealityPortal)
 * on the platform's Redis (REDIS_URL, REDIS_KEY_PREFIX), as the worker's own queue would.
 */
async function rebuildRealityPortal(organizationId: string | undefined, wait: boolean): Promise<void> {
  if (organizationId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(organizationId)) {
    throw new Error('--organization must be an organisation id (UUID)');
  }
  const env = Object.assign(new CoreEnv(), {
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...(process.env.REDIS_KEY_PREFIX ? { REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX } : {}),
  });
  const redis = new RedisConnections(env);
  const queue = new Bull(QueueName.Syndication, {
    prefix: `${redis.keyPrefix}bull`,
    createClient: (type) =>
      redis.create(`admin-bull-${type}`, type === 'client' ? {} : { maxRetriesPerRequest: null, enableReadyCheck: false }),
  });
  try {
    const job = await queue.add(
      SyndicationJob.RebuildRealityPortal,
      organizationId ? { organizationId } : {},
      { jobId: `rebuild-reality-portal:${Date.now()}`, attempts: 1, removeOnComplete: 100 },
    );
    console.log(`Queued the Reality Portal rebuild (job ${job.id})`);
    if (wait) {
      const summary = await waitForJob(job, REBUILD_WAIT_MS);
      console.log(JSON.stringify(summary));
    }
  } finally {
    await queue.close();
    await redis.onApplicationShutdown();
  }
}

/**
 * Key rotation: every sealed portal secret still under an older key is opened and sealed again with the
 * current (first) key of the ring (portal secrets, AI provider keys and alert webhook secrets alike), in one transaction
 * under the 'secrets-reseal' platform scope.
 */
async function resealSecrets(ds: DataSource, keyRing: string): Promise<void> {
  const box = new SecretBox(keyRing);
  const reseal = (sealed: string | null, context: string) =>
    sealed && box.isStale(sealed) ? box.seal(box.open(sealed, context), context) : null;
  // One transaction for every kind of secret: a failure re-seals nothing, never half.
  const { portals, assistant, alerts } = await ds.transaction(async (m) => {
    await m.query(`SELECT set_config('app.platform_scope', 'secrets-reseal', true)`);
    const targets = await m.find(PortalTarget, { lock: { mode: 'pessimistic_write' } });
    let count = 0;
    for (const target of targets) {
      const credentialsSealed = reseal(
        target.credentialsSealed,
        credentialsContext(target.organizationId, target.portal),
      );
      const inboundSecretsSealed = reseal(
        target.inboundSecretsSealed,
        inboundSecretsContext(target.organizationId, target.portal),
      );
      if (!credentialsSealed && !inboundSecretsSealed) continue;
      await m.update(
        PortalTarget,
        { id: target.id },
        {
          ...(credentialsSealed ? { credentialsSealed } : {}),
          ...(inboundSecretsSealed ? { inboundSecretsSealed } : {}),
        },
      );
      count += 1;
    }
    const rows = await m.find(AssistantSettings, { lock: { mode: 'pessimistic_write' } });
    let keys = 0;
    for (const row of rows) {
      const apiKeySealed = reseal(row.apiKeySealed, apiKeyContext(row.organizationId));
      if (!apiKeySealed) continue;
      await m.update(AssistantSettings, { id: row.id }, { apiKeySealed });
      keys += 1;
    }
    const rules = await m.find(AlertRule, { lock: { mode: 'pessimistic_write' } });
    let webhooks = 0;
    for (const rule of rules) {
      const webhookSecretSealed = reseal(rule.webhookSecretSealed, webhookSecretContext(rule.id));
      if (!webhookSecretSealed) continue;
      await m.update(AlertRule, { id: rule.id }, { webhookSecretSealed });
      webhooks += 1;
    }
    return {
      portals: { resealed: count, total: targets.length },
      assistant: { resealed: keys, total: rows.length },
      alerts: { resealed: webhooks, total: rules.length },
    };
  });
  console.log(
    `Re-sealed the secrets of ${portals.resealed} of ${portals.total} portal target(s) under the current key`,
  );
  console.log(
    `Re-sealed the AI provider keys of ${assistant.resealed} of ${assistant.total} organisation(s) under the current key`,
  );
  console.log(
    `Re-sealed the webhook secrets of ${alerts.resealed} of ${alerts.total} alert rule(s) under the current key`,
  );
}

/** As POST /organizations does (OrganizationsService): audited, `organization.created` in the outbox. */
async function createOrganization(
  app: INestApplicationContext,
  name: string,
  adminEmail: string,
  slug?: string,
): Promise<void> {
  const admin = await findUser(app.get(DataSource).manager, adminEmail);
  if (!admin)
    throw new Error(`no account with the e-mail ${adminEmail}; create it first (register, or create-admin)`);
  // Whoever registered an address first need not own it: only a proven address may be made org_admin.
  if (!admin.emailVerifiedAt)
    throw new Error(
      `${admin.email} has not confirmed its e-mail address yet; confirm it (or reset the password) first`,
    );
  const organization = await app
    .get(OrganizationsService)
    .createWithAdmin({ userId: null, clientId: ADMIN_CLI_CLIENT_ID }, admin.id, { name, slug }, CLI_REQUEST);
  console.log(`Created organisation "${name}" (${organization.id}) with ${admin.email} as org_admin`);
}

async function createClient(ds: DataSource, clientId: string, name: string, scopes: string): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  await ds.manager.insert(OAuthClient, {
    clientId,
    name,
    secretHash: await passwords.hash(secret),
    scopes: scopeList(scopes),
    disabledAt: null,
  });
  console.log(`Created OAuth client ${clientId}. Its secret (shown only now):\n${secret}`);
}

/**
 * `npm start` keeps the portal's client in step with the secret it generated in .env: the secret comes
 * from the environment (never the command line, which other users of the machine can read).
 */
async function ensureClient(
  ds: DataSource,
  clientId: string,
  name: string,
  scopes: string,
  secret: string,
): Promise<void> {
  if (secret.length < 16) throw new Error('OAUTH_CLIENT_SECRET must have at least 16 characters');
  const fields = {
    name,
    secretHash: await passwords.hash(secret),
    scopes: scopeList(scopes),
    disabledAt: null,
  };
  const existing = await ds.manager.findOneBy(OAuthClient, { clientId });
  if (existing) await ds.manager.update(OAuthClient, { clientId }, fields);
  else await ds.manager.insert(OAuthClient, { clientId, ...fields });
  console.log(
    `OAuth client ${clientId} ${existing ? 'updated' : 'created'} (scopes ${scopeList(scopes).join(' ')})`,
  );
}

function scopeList(scopes: string): string[] {
  return scopes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function findUser(manager: EntityManager, email: string): Promise<User | null> {
  return manager.createQueryBuilder(User, 'u').where('lower(u.email) = lower(:email)', { email }).getOne();
}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`${flag} is required\n\n${USAGE}`);
  return value;
}

main().catch((err: unknown) => {
  console.error(`admin: ${(err as Error).message}`);
  process.exit(1);
});
