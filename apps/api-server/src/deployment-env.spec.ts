import { validateEnv } from '@ppt/config';
import {
  composeProcesses,
  overlayProcesses,
  processesOf,
  renderKustomization,
  WORKSPACE_ROOT,
  type ProcessEnv,
} from '@ppt/testing';
import { join } from 'node:path';
import { ApiServerEnv } from './api-server.env';

/**
 * api-server's processes as the Kubernetes overlays and the compose file start them: each environment
 * passes the boot-time validation (every variable it needs is set or has a default), listens on the
 * port its container declares, and keeps documents on S3.
 */
const PORT_VARIABLE: Record<string, 'API_PORT' | 'API_WORKER_PORT'> = {
  'main.js': 'API_PORT',
  'worker.js': 'API_WORKER_PORT',
};
const all = [
  ...overlayProcesses('dev'),
  ...overlayProcesses('staging'),
  ...overlayProcesses('prod'),
  ...composeProcesses(),
].filter((p) => p.image === 'ppt/api-server');
const servers = all.filter((p) => p.entry in PORT_VARIABLE);
const inCluster = (p: ProcessEnv) => !p.where.startsWith('compose/');

/**
 * URL settings still at a loopback default: the process would send browsers or itself to localhost
 * (the local storage driver's base URL does not matter with S3).
 */
function loopbackUrls(env: ApiServerEnv): string[] {
  return Object.entries(env)
    .filter(([key]) => !(env.STORAGE_DRIVER === 's3' && key === 'STORAGE_PUBLIC_BASE_URL'))
    .filter(
      ([, value]) => typeof value === 'string' && /^[a-z]+:\/\/(localhost|127\.0\.0\.1)[:/]/.test(value),
    )
    .map(([key]) => key);
}

describe('api-server as deployed', () => {
  it('covers both processes in every overlay and in compose', () => {
    expect(servers.map((p) => p.where).sort()).toEqual([
      'compose/api-server',
      'compose/api-worker',
      'dev/api-server',
      'dev/api-worker',
      'prod/api-server',
      'prod/api-worker',
      'staging/api-server',
      'staging/api-worker',
    ]);
  });

  it.each(servers.map((p) => [p.where, p] as const))(
    '%s passes boot validation and listens on its container port',
    (_where, p) => {
      const env = validateEnv(ApiServerEnv, p.env);
      expect(env.NODE_ENV).toBe('production');
      expect(p.ports).toEqual([env[PORT_VARIABLE[p.entry]]]);
      expect(env).toMatchObject({ STORAGE_DRIVER: 's3', MAIL_TRANSPORT: 'smtp' });
      if (inCluster(p)) expect(loopbackUrls(env)).toEqual([]);
    },
  );

  it('gives the migration Job and step the owner URL', () => {
    const migrations = all.filter((p) => p.entry === 'migrate.js');
    expect(migrations.map((p) => p.where).sort()).toEqual([
      'compose/migrate',
      'dev/ppt-migrate-dev-2026.12.07',
      'prod/ppt-migrate-1.0.0',
      'staging/ppt-migrate-1.0.0-rc.1',
    ]);
    for (const p of migrations) expect(p.env['DATABASE_MIGRATION_URL']).toMatch(/^postgres:\/\//);
  });

  it('names the variable when a deployment leaves a required one out', () => {
    const prod = servers.find((p) => p.where === 'prod/api-server') as ProcessEnv;
    const { AUTH_JWT_PRIVATE_KEY: _key, ...withoutKey } = prod.env;
    expect(() => validateEnv(ApiServerEnv, withoutKey)).toThrow(/AUTH_JWT_PRIVATE_KEY/);
  });

  it('treats an optional Secret reference as missing: SMTP_URL must not hang on a key that may be absent', () => {
    const objects = renderKustomization(join(WORKSPACE_ROOT, 'k8s/overlays/prod'));
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api-worker');
    const spec = (
      deployment?.['spec'] as {
        template: {
          spec: {
            containers: { env: { name: string; valueFrom?: { secretKeyRef?: { optional?: boolean } } }[] }[];
          };
        };
      }
    ).template.spec.containers[0];
    const smtp = spec.env.find((e) => e.name === 'SMTP_URL');
    if (smtp?.valueFrom?.secretKeyRef) smtp.valueFrom.secretKeyRef.optional = true;
    const worker = processesOf(objects, 'prod').find((p) => p.where === 'prod/api-worker') as ProcessEnv;
    expect(() => validateEnv(ApiServerEnv, worker.env)).toThrow(/SMTP_URL: must be an smtp/);
  });

  it('catches a URL left at its loopback default', () => {
    const prod = servers.find((p) => p.where === 'prod/api-server') as ProcessEnv;
    const { API_PUBLIC_URL: _url, ...rest } = prod.env;
    expect(loopbackUrls(validateEnv(ApiServerEnv, rest))).toEqual(['API_PUBLIC_URL']);
  });
});
