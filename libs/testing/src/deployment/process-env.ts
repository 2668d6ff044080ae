import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { containersOf, renderKustomization, type K8sObject } from './kustomize';
import { testSigningKey } from '../signing-key';
import { WORKSPACE_ROOT } from '../test-services';

/**
 * The environment each process of a deployment gets, as its manifests or the compose file give it,
 * with secrets replaced by well-formed samples (the real ones live in a secret store). Optional secret
 * references count as absent: a variable the app needs must not hang on a key that may be missing.
 */
export interface ProcessEnv {
  /** `overlay/deployment` or `compose/service`. */
  where: string;
  /** Image name without tag, e.g. `ppt/api-server`. */
  image: string;
  /** The entry point the container runs: main.js, worker.js or migrate.js. */
  entry: string;
  /** Container ports (k8s) or the ports the service listens on (compose `expose`). */
  ports: number[];
  env: Record<string, string>;
}

const keyRing = () => `k1:${randomBytes(32).toString('base64')}`;
/** A well-formed value per secret name (no credentials: those live in the secret store); a secret without a sample fails loudly. */
const SECRET_SAMPLES: Record<string, () => string> = {
  DATABASE_URL: () => 'postgres://ppt_api@db.internal:5432/ppt',
  WORKER_DATABASE_URL: () => 'postgres://ppt_api_worker@db.internal:5432/ppt',
  REALITY_DATABASE_URL: () => 'postgres://ppt_portal@db.internal:5432/ppt',
  DATABASE_MIGRATION_URL: () => 'postgres://ppt_owner@db.internal:5432/ppt',
  DATABASE_BACKUP_URL: () => 'postgres://ppt_backup@db.internal:5432/ppt',
  REDIS_URL: () => 'redis://redis.internal:6379',
  AUTH_JWT_PRIVATE_KEY: () => testSigningKey(),
  SECRETS_ENCRYPTION_KEYS: keyRing,
  NOTIFICATION_UNSUBSCRIBE_SECRETS: () => randomBytes(32).toString('base64url'),
  SSO_ANNOUNCEMENT_KEYS: keyRing,
  SSO_CLIENT_SECRET: () => randomBytes(24).toString('base64url'),
  SMTP_URL: () => 'smtp://smtp.internal:587',
  BACKUP_S3_URI: () => 's3://ppt-backups/nightly',
};

function sample(name: string): string {
  const make = SECRET_SAMPLES[name];
  if (!make) throw new Error(`no sample value for the secret ${name}: add one to SECRET_SAMPLES`);
  return make();
}

/** Every Deployment and Job container of an overlay, with its environment. */
export function overlayProcesses(overlay: string): ProcessEnv[] {
  return processesOf(renderKustomization(join(WORKSPACE_ROOT, 'k8s', 'overlays', overlay)), overlay);
}

export function processesOf(objects: K8sObject[], label: string): ProcessEnv[] {
  const configMaps = new Map(
    objects
      .filter((o) => o.kind === 'ConfigMap')
      .map((o) => [o.metadata.name, (o['data'] as Record<string, string>) ?? {}]),
  );
  return objects
    .filter((o) => ['Deployment', 'Job', 'CronJob'].includes(o.kind))
    .flatMap((o) =>
      containersOf(o).map((c) => {
        const env: Record<string, string> = {};
        for (const source of c.envFrom ?? []) {
          const data = source.configMapRef && configMaps.get(source.configMapRef.name);
          if (source.configMapRef && !data)
            throw new Error(`${o.metadata.name}: no ConfigMap ${source.configMapRef.name}`);
          Object.assign(env, data);
        }
        for (const e of c.env ?? []) {
          if (e.value !== undefined) env[e.name] = e.value;
          const secret = e.valueFrom?.secretKeyRef;
          if (secret && !secret.optional) env[e.name] = sample(secret.key);
          const config = e.valueFrom?.configMapKeyRef;
          if (config) env[e.name] = configMaps.get(config.name)?.[config.key] ?? '';
        }
        return {
          where: `${label}/${o.metadata.name}`,
          image: c.image.split(':')[0],
          entry: (c.command ?? []).find((part) => part.endsWith('.js') || part.endsWith('.mjs')) ?? '',
          ports: (c.ports ?? []).map((p) => p.containerPort),
          env,
        };
      }),
    );
}

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
}

/** The compose file as `docker compose config` would give it: merge keys resolved, `${VAR:?…}` sampled. */
export function loadCompose(path = join(WORKSPACE_ROOT, 'docker', 'compose.yaml')): {
  services: Record<string, ComposeService & Record<string, unknown>>;
  [key: string]: unknown;
} {
  // `${NAME:?message}` must come from the operator: a sample stands in; `${NAME:-default}` takes its default.
  const text = readFileSync(path, 'utf8').replace(
    /\$\{([A-Z0-9_]+)(?:(:?[?-])([^}]*))?\}/g,
    (_match, name: string, operator?: string, rest?: string) =>
      operator?.endsWith('-') ? (rest ?? '') : sample(name),
  );
  const [doc] = parseAllDocuments(text, { merge: true });
  if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0].message}`);
  return doc.toJS();
}

/** Every compose service running one of our images, with its environment. */
export function composeProcesses(): ProcessEnv[] {
  const compose = loadCompose();
  return Object.entries(compose.services)
    .filter(([, s]) => s.image?.startsWith('ppt/'))
    .map(([name, s]) => ({
      where: `compose/${name}`,
      image: (s.image as string).split(':')[0],
      entry:
        (s.command ?? []).flatMap((part) => part.split(/\s+/)).find((part) => /\.m?js$/.test(part)) ?? '',
      ports: (s.expose ?? []).map(Number),
      env: Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)])),
    }));
}
