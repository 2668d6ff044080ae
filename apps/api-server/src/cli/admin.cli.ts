/* eslint-disable no-console -- a command-line tool */
import { CoreEnv, SecretBox } from '@ppt/config';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AlertRule, AssistantSettings, PortalTarget } from '@ppt/api-db';
import { MaintenanceJob, QueueName, SyndicationJob, waitForJob } from '@ppt/queue';
import { RedisConnections } from '@ppt/redis';
import Bull from 'bull';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { apiKeyContext } from '@ppt/api-assistant-core';
import { AuditService } from '@ppt/api-shared';
import {
  type OperatorActor,
  OperatorService,
  OrganizationsService,
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
  document-search:backfill [--wait]
                       runs a document search backfill pass now (a job for the api worker, as its schedule
                       does every 10 minutes): unindexed documents indexed, chunks re-embedded with each
                       organisation's current embedding model; --wait prints the pass's totals

Passwords are never taken from the command line (other users of the machine can read it): the
commands prompt for them (hidden) on a terminal, or read the first line of stdin, e.g.
  printf '%s\n' "$PASSWORD" | npm run admin -- create-admin --email ops@example.com`;

const REDIS_CONNECT_TIMEOUT_MS = 5000;

/** The audit log's actor of an operator's change: no signed-in user, this client id. */
const ADMIN_CLI_CLIENT_ID = 'admin-cli';
const ADMIN_CLI: OperatorActor = { userId: null, clientId: ADMIN_CLI_CLIENT_ID };

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
  if (command === 'document-search:backfill') return backfillDocumentSearch(values.wait === true);
  const url = process.env.DATABASE_MIGRATION_URL;
  if (!url) throw new Error('DATABASE_MIGRATION_URL is not set (see .env.example)');
  // The identity services the HTTP path uses (audit and events included), in a Nest context of their own.
  const app = await NestFactory.createApplicationContext(AdminCliModule.register(process.env, url), {
    logger: ['error'],
  });
  try {
    switch (command) {
      case 'create-admin':
        return await createAdmin(app, need(values.email, '--email'), await readPassword(), values.name);
      case 'reset-password':
        return await resetPassword(app, need(values.email, '--email'), await readPassword());
      case 'reseal-secrets':
        return await resealSecrets(app, need(process.env.SECRETS_ENCRYPTION_KEYS, 'SECRETS_ENCRYPTION_KEYS'));
      case 'create-organization':
        return await createOrganization(
          app,
          need(values.name, '--name'),
          need(values['admin-email'], '--admin-email'),
          values.slug,
        );
      case 'create-client':
        return await createClient(
          app,
          need(values['client-id'], '--client-id'),
          need(values.name, '--name'),
          need(values.scopes, '--scopes'),
        );
      case 'ensure-client':
        return await ensureClient(
          app,
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

/** OperatorService.grantPlatformAdmin: audited `user.platform_admin_granted`, an existing account's sessions end. */
async function createAdmin(
  app: INestApplicationContext,
  email: string,
  password: string,
  name?: string,
): Promise<void> {
  await sessionCacheReady(app);
  const { user, created, sessionsEnded } = await app
    .get(OperatorService)
    .grantPlatformAdmin(ADMIN_CLI, { email, displayName: name, password }, CLI_REQUEST);
  if (created) {
    console.log(`Created platform administrator ${user.email} (${user.id})`);
    return;
  }
  console.log(
    `Promoted ${user.email} to platform administrator (password updated, ${sessionsEnded} session(s) ended)`,
  );
}

/** As a reset by e-mail does: audited `auth.password_reset`, reset links spent, every session ended. */
async function resetPassword(app: INestApplicationContext, email: string, password: string): Promise<void> {
  await sessionCacheReady(app);
  const { user, sessionsEnded } = await app
    .get(OperatorService)
    .resetPassword(ADMIN_CLI, email, password, CLI_REQUEST);
  console.log(`Set a new password for ${user.email} and ended ${sessionsEnded} session(s)`);
}

/**
 * Sessions end the way logout does: marked ended in Redis and announced to every running api-server
 * and portal inside the PostgreSQL transaction that revokes them, so no access token of it works on.
 * SessionStore's cache client fails fast instead of queueing: let it connect before it is used.
 * (Operator sessions of Bull Board end by themselves: they check the password hash on each request.)
 */
async function sessionCacheReady(app: INestApplicationContext): Promise<void> {
  const cache = app
    .get(RedisConnections)
    .get('sessions', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  if (cache.status === 'ready') return;
  await once(cache, 'ready', { signal: AbortSignal.timeout(REDIS_CONNECT_TIMEOUT_MS) }).catch(() => {
    throw new Error('Redis did not answer: nothing was changed (run the command again)');
  });
}

const OPERATOR_JOB_WAIT_MS = 30 * 60 * 1000;

/**
 * Queues the rebuild of our own portal's read model for the api worker (SyndicationJob.RebuildRealityPortal).
 */
async function rebuildRealityPortal(organizationId: string | undefined, wait: boolean): Promise<void> {
  if (
    organizationId !== undefined &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(organizationId)
  ) {
    throw new Error('--organization must be an organisation id (UUID)');
  }
  await queueWorkerJob(
    QueueName.Syndication,
    SyndicationJob.RebuildRealityPortal,
    organizationId ? { organizationId } : {},
    'rebuild-reality-portal',
    'the Reality Portal rebuild',
    wait,
  );
}

/**
 * Queues one pass of the document search backfill (the job its schedule runs every 10 minutes) now:
 * e.g. after organisations changed their embedding models, or after pgvector was added.
 */
async function backfillDocumentSearch(wait: boolean): Promise<void> {
  await queueWorkerJob(
    QueueName.Maintenance,
    MaintenanceJob.DocumentSearchBackfill,
    {},
    'document-search-backfill',
    'a document search backfill pass',
    wait,
  );
}

/**
 * Adds a job for the api worker on the platform's Redis (REDIS_URL, REDIS_KEY_PREFIX), as the worker's
 * own queue would; with `wait`, prints what the job returned.
 */
async function queueWorkerJob(
  queueName: QueueName,
  jobName: string,
  data: object,
  jobIdPrefix: string,
  what: string,
  wait: boolean,
): Promise<void> {
  const env = Object.assign(new CoreEnv(), {
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...(process.env.REDIS_KEY_PREFIX ? { REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX } : {}),
  });
  const redis = new RedisConnections(env);
  const queue = new Bull(queueName, {
    prefix: `${redis.keyPrefix}bull`,
    createClient: (type) =>
      redis.create(
        `admin-bull-${type}`,
        type === 'client' ? {} : { maxRetriesPerRequest: null, enableReadyCheck: false },
      ),
  });
  try {
    const job = await queue.add(jobName, data, {
      jobId: `${jobIdPrefix}:${Date.now()}`,
      attempts: 1,
      removeOnComplete: 100,
    });
    console.log(`Queued ${what} (job ${job.id})`);
    if (wait) {
      const summary = await waitForJob(job, OPERATOR_JOB_WAIT_MS);
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
async function resealSecrets(app: INestApplicationContext, keyRing: string): Promise<void> {
  const box = new SecretBox(keyRing);
  const reseal = (sealed: string | null, context: string) =>
    sealed && box.isStale(sealed) ? box.seal(box.open(sealed, context), context) : null;
  // One transaction for every kind of secret: a failure re-seals nothing, never half.
  const { portals, assistant, alerts } = await app.get(DataSource).transaction(async (m) => {
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
    const counts = {
      portals: { resealed: count, total: targets.length },
      assistant: { resealed: keys, total: rows.length },
      alerts: { resealed: webhooks, total: rules.length },
    };
    // In the platform audit log (no organisation), committed with the re-sealing or not at all.
    await app.get(AuditService).record(
      {
        action: 'secrets.resealed',
        actorUserId: null,
        actorClientId: ADMIN_CLI_CLIENT_ID,
        details: counts,
      },
      CLI_REQUEST,
      m,
    );
    return counts;
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
  const admin = await app.get(OperatorService).findUserByEmail(adminEmail);
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

/** OperatorService.createServiceClient: audited `oauth_client.created`; the secret is printed once. */
async function createClient(
  app: INestApplicationContext,
  clientId: string,
  name: string,
  scopes: string,
): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  await app
    .get(OperatorService)
    .createServiceClient(ADMIN_CLI, { clientId, name, scopes: scopeList(scopes), secret }, CLI_REQUEST);
  console.log(`Created OAuth client ${clientId}. Its secret (shown only now):\n${secret}`);
}

/**
 * `npm start` keeps the portal's client in step with the secret it generated in .env: the secret comes
 * from the environment (never the command line, which other users of the machine can read). Audited
 * `oauth_client.created` or `oauth_client.updated`.
 */
async function ensureClient(
  app: INestApplicationContext,
  clientId: string,
  name: string,
  scopes: string,
  secret: string,
): Promise<void> {
  if (secret.length < 16) throw new Error('OAUTH_CLIENT_SECRET must have at least 16 characters');
  const outcome = await app
    .get(OperatorService)
    .ensureServiceClient(ADMIN_CLI, { clientId, name, scopes: scopeList(scopes), secret }, CLI_REQUEST);
  console.log(`OAuth client ${clientId} ${outcome} (scopes ${scopeList(scopes).join(' ')})`);
}

function scopeList(scopes: string): string[] {
  return scopes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`${flag} is required\n\n${USAGE}`);
  return value;
}

main().catch((err: unknown) => {
  console.error(`admin: ${(err as Error).message}`);
  process.exit(1);
});
