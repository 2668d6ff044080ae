import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadCompose } from '@ppt/testing';

/**
 * docker/compose.yaml as a system, read the way `docker compose config` resolves it (merge keys, the
 * operator's `${VAR:?…}` variables sampled): docker needs a daemon, which CI does not have, so the file
 * is parsed. Every URL and host:port a service is given must name a service and a port it listens on.
 */
const DOCKER = join(__dirname, '../../docker');
type Compose = ReturnType<typeof loadCompose>;
type Service = Compose['services'][string] & {
  expose?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
};

/** Where each service listens: its `expose` list (the container side of published ports must be in it). */
function listening(compose: Compose): Map<string, Set<number>> {
  return new Map(
    Object.entries(compose.services).map(([name, s]) => [
      name,
      new Set(((s as Service).expose ?? []).map(Number)),
    ]),
  );
}

/** Every `scheme://host:port` or `host:port` in a value that names one of the services. */
function references(value: string, services: Set<string>): { host: string; port: number }[] {
  const found: { host: string; port: number }[] = [];
  const defaults: Record<string, number> = { http: 80, https: 443, redis: 6379, postgres: 5432, smtp: 25 };
  for (const match of value.matchAll(/(?:([a-z]+):\/\/)?(?:[^@\s/"]*@)?([a-z][a-z0-9-]*)(?::(\d+))?/g)) {
    const [, scheme, host, port] = match;
    if (!services.has(host) || (!scheme && !port)) continue;
    found.push({ host, port: port ? Number(port) : defaults[scheme] });
  }
  return found;
}

function referenceProblems(compose: Compose, extraFiles: Record<string, string> = {}): string[] {
  const ports = listening(compose);
  const names = new Set(ports.keys());
  const problems: string[] = [];
  const check = (where: string, value: string) => {
    for (const ref of references(value, names))
      if (!ports.get(ref.host)?.has(ref.port))
        problems.push(
          `${where}: ${ref.host}:${ref.port} is not a port ${ref.host} listens on (${[...(ports.get(ref.host) ?? [])].join(', ')})`,
        );
  };
  for (const [name, service] of Object.entries(compose.services) as [string, Service][]) {
    for (const [key, value] of Object.entries(service.environment ?? {}))
      check(`${name} ${key}`, String(value));
    for (const part of [service.command ?? []].flat()) check(`${name} command`, String(part));
    for (const mapping of service.ports ?? []) {
      const containerPort = Number(String(mapping).split(':').pop());
      if (!ports.get(name)?.has(containerPort))
        problems.push(`${name} publishes ${mapping}, but does not listen on ${containerPort}`);
    }
    const dependencies = Array.isArray(service.depends_on)
      ? service.depends_on
      : Object.keys(service.depends_on ?? {});
    for (const dependency of dependencies)
      if (!names.has(dependency)) problems.push(`${name} depends on unknown service ${dependency}`);
  }
  for (const [file, text] of Object.entries(extraFiles)) check(file, text);
  return problems;
}

const configFiles = () => ({
  'observability/prometheus/prometheus.yml': readFileSync(
    join(DOCKER, 'observability/prometheus/prometheus.yml'),
    'utf8',
  ),
  'observability/grafana/provisioning/datasources/prometheus.yaml': readFileSync(
    join(DOCKER, 'observability/grafana/provisioning/datasources/prometheus.yaml'),
    'utf8',
  ),
});

describe('docker/compose.yaml', () => {
  const compose = loadCompose();
  const services = compose.services as Record<string, Service>;

  it('runs the data stores, both apps and both workers, the migration step, monitoring and a mail catcher', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'api-server',
        'api-worker',
        'grafana',
        'mailpit',
        'migrate',
        'minio',
        'minio-init',
        'postgres',
        'prometheus',
        'reality-server',
        'reality-worker',
        'redis',
      ].sort(),
    );
    expect(services['postgres'].image).toMatch(/^pgvector\/pgvector:pg\d+$/);
    const redis = services['redis'].command as string[];
    expect(redis.slice(redis.indexOf('--appendonly'), redis.indexOf('--appendonly') + 2)).toEqual([
      '--appendonly',
      'yes',
    ]);
    expect(redis.slice(redis.indexOf('--maxmemory-policy'), redis.indexOf('--maxmemory-policy') + 2)).toEqual(
      ['--maxmemory-policy', 'noeviction'],
    );
  });

  it('every URL and host:port names a service and a port that service listens on (env, commands, Prometheus, Grafana)', () => {
    expect(referenceProblems(compose, configFiles())).toEqual([]);
    const targets = parse(configFiles()['observability/prometheus/prometheus.yml']).scrape_configs.flatMap(
      (job: { static_configs: { targets: string[] }[] }) => job.static_configs.flatMap((s) => s.targets),
    );
    expect(targets.sort()).toEqual([
      'api-server:3000',
      'api-worker:3100',
      'reality-server:3001',
      'reality-worker:3101',
    ]);
    // Each app listens where its port variable says.
    const portVariable: Record<string, string> = {
      'api-server': 'API_PORT',
      'api-worker': 'API_WORKER_PORT',
      'reality-server': 'REALITY_PORT',
      'reality-worker': 'REALITY_WORKER_PORT',
    };
    for (const [name, variable] of Object.entries(portVariable))
      expect({ name, expose: services[name].expose }).toEqual({
        name,
        expose: [services[name].environment?.[variable]],
      });
  });

  it('fails on a URL naming a port its service does not listen on, or a service that does not exist', () => {
    const broken = structuredClone(compose);
    (broken.services['reality-server'].environment as Record<string, string>)['API_SERVER_URL'] =
      'http://api-server:80';
    (broken.services['api-server'].environment as Record<string, string>)['SMTP_URL'] = 'smtp://mailpit:25';
    broken.services['grafana'].depends_on = ['prometheos'];
    expect(referenceProblems(broken)).toEqual([
      'api-server SMTP_URL: mailpit:25 is not a port mailpit listens on (1025, 8025)',
      'reality-server API_SERVER_URL: api-server:80 is not a port api-server listens on (3000)',
      'grafana depends on unknown service prometheos',
    ]);
  });

  it('mounts every monitoring file it names, from docker/observability', () => {
    for (const service of ['prometheus', 'grafana'])
      for (const volume of services[service].volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('.'))
          expect({ volume, exists: existsSync(join(DOCKER, source)) }).toEqual({ volume, exists: true });
      }
  });

  it('runs migrations first, and the apps only after them, Redis, and (api-server) the bucket', () => {
    const conditions = (name: string) => services[name].depends_on as Record<string, { condition: string }>;
    expect(conditions('migrate')).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const app of ['api-server', 'api-worker', 'reality-server', 'reality-worker'])
      expect(conditions(app)).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        redis: { condition: 'service_healthy' },
      });
    for (const app of ['api-server', 'api-worker'])
      expect(conditions(app)).toMatchObject({
        'minio-init': { condition: 'service_completed_successfully' },
      });
  });

  it('keeps documents in MinIO through the S3 driver, in a bucket the init step creates', () => {
    const init = (services['minio-init'].command as string[]).join(' ');
    for (const app of ['api-server', 'api-worker']) {
      const env = services[app].environment as Record<string, string>;
      expect(env).toMatchObject({
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: 'http://minio:9000',
        S3_FORCE_PATH_STYLE: 'true',
      });
      expect(init).toContain(`mc mb --ignore-existing ppt/${env['S3_BUCKET']}`);
    }
  });

  it('API8:2023 connects each kind of process as its own database role, and provisions them all', () => {
    const user = (service: string, variable = 'DATABASE_URL') =>
      new URL(services[service].environment?.[variable] ?? '').username;
    expect(['api-server', 'api-worker', 'reality-server', 'reality-worker'].map((s) => user(s))).toEqual([
      'ppt_api',
      'ppt_api_worker',
      'ppt_portal',
      'ppt_portal',
    ]);
    expect(
      ['DATABASE_URL', 'WORKER_DATABASE_URL', 'REALITY_DATABASE_URL'].map((v) => user('migrate', v)),
    ).toEqual(['ppt_api', 'ppt_api_worker', 'ppt_portal']);
  });

  it('trusts no proxy: nothing runs in front of the published ports', () => {
    for (const app of ['api-server', 'api-worker', 'reality-server', 'reality-worker'])
      expect({ app, trusted: services[app].environment?.['TRUSTED_PROXIES'] }).toEqual({ app, trusted: '' });
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);

  it('builds the app image by default (runtime is the last stage) and the backup image as a target', () => {
    expect(stages.at(-1)).toBe('runtime');
    expect(stages).toContain('backup');
  });

  it('puts into the backup image every file the backup CronJob and db:restore run', () => {
    const stage = (name: string) =>
      dockerfile.slice(
        dockerfile.indexOf(`AS ${name}\n`),
        dockerfile.indexOf('\nFROM', dockerfile.indexOf(`AS ${name}\n`)),
      );
    const backupStage = stage('backup');
    const copied =
      /COPY (tools\/db\/\S+(?: tools\/db\/\S+)*) \.\/tools\/db\//.exec(backupStage)?.[1].split(' ') ?? [];
    const cronJob = parse(readFileSync(join(__dirname, '../../k8s/base/backup-cronjob.yaml'), 'utf8'));
    const command: string[] = cronJob.spec.jobTemplate.spec.template.spec.containers[0].command;
    expect(copied).toEqual(
      expect.arrayContaining([command[1], 'tools/db/restore.mjs', 'tools/db/backup-lib.mjs']),
    );
    // backup-lib imports only what the image installs next to it (the backup-deps stage).
    const imports = [
      ...readFileSync(join(__dirname, '../db/backup-lib.mjs'), 'utf8').matchAll(
        /from '([^.'][^']*)'|import\('([^']+)'\)/g,
      ),
    ]
      .map((m) => m[1] ?? m[2])
      .filter((name) => !name.startsWith('node:'));
    expect(imports.length).toBeGreaterThan(0);
    for (const name of new Set(imports))
      expect({ name, installed: stage('backup-deps').includes(`'${name}'`) }).toEqual({
        name,
        installed: true,
      });
  });
});
