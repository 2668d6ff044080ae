import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { parseAllDocuments } from 'yaml';
import { CoreEnv, validateEnv } from '@ppt/config';

/** Offline check of the Kubernetes manifests against the Kubernetes JSON schemas (kubernetes-models). */
const BASE = join(__dirname, '../../k8s/base');
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

function load(): Manifest[] {
  const kustomization = parseAllDocuments(readFileSync(join(BASE, 'kustomization.yaml'), 'utf8'))[0].toJS() as {
    resources: string[];
  };
  return kustomization.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(join(BASE, file), 'utf8')).map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as Manifest;
    }),
  );
}

type Container = {
  image: string;
  env?: { name: string; valueFrom?: { secretKeyRef?: { key: string } } }[];
  command: string[];
  ports?: { containerPort: number }[];
  livenessProbe?: { httpGet: { path: string } };
  readinessProbe?: { httpGet: { path: string } };
  resources?: { requests?: object; limits?: object };
};
const containerOf = (m: Manifest) =>
  (m.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];

describe('k8s/base', () => {
  const manifests = load();

  it('validates every resource against its Kubernetes schema', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const manifest of manifests) {
      const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model).toBeDefined();
      expect(() => new Model(manifest as never).validate()).not.toThrow();
    }
  });

  it('rejects a broken manifest (the check has teeth)', () => {
    const broken = structuredClone(manifests.find((m) => m.kind === 'Deployment')) as Manifest;
    (broken.spec as Record<string, unknown>).replicas = 'two';
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });

  it('runs both apps and both workers with probes on the health endpoints and resources set', () => {
    const deployments = Object.fromEntries(
      manifests.filter((m) => m.kind === 'Deployment').map((m) => [m.metadata.name, containerOf(m)]),
    );
    expect(Object.keys(deployments).sort()).toEqual(['api-server', 'api-worker', 'reality-server', 'reality-worker']);
    const expected: Record<string, [string, string, number]> = {
      'api-server': ['ppt/api-server', 'main.js', 3000],
      'api-worker': ['ppt/api-server', 'worker.js', 3100],
      'reality-server': ['ppt/reality-server', 'main.js', 3001],
      'reality-worker': ['ppt/reality-server', 'worker.js', 3101],
    };
    for (const [name, [image, entry, port]] of Object.entries(expected)) {
      const c = deployments[name];
      expect(c.image).toBe(image);
      expect(c.command).toContain(entry);
      expect(c.ports?.[0].containerPort).toBe(port);
      expect(c.livenessProbe?.httpGet.path).toBe('/health/live');
      expect(c.readinessProbe?.httpGet.path).toBe('/health/ready');
      expect(c.resources?.requests).toBeDefined();
      expect(c.resources?.limits).toBeDefined();
    }
  });

  it('API8:2023 connects each kind of process as its own database role', () => {
    const databaseSecret = Object.fromEntries(
      manifests
        .filter((m) => m.kind === 'Deployment')
        .map((m) => [
          m.metadata.name,
          containerOf(m).env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.key,
        ]),
    );
    expect(databaseSecret).toEqual({
      'api-server': 'DATABASE_URL',
      'api-worker': 'WORKER_DATABASE_URL',
      'reality-server': 'REALITY_DATABASE_URL',
      'reality-worker': 'REALITY_DATABASE_URL',
    });
  });

  it('uses the ports the ConfigMap gives the apps', () => {
    const config = manifests.find((m) => m.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(config.data).toMatchObject({ API_PORT: '3000', REALITY_PORT: '3001', API_WORKER_PORT: '3100', REALITY_WORKER_PORT: '3101' });
  });

  it('trusts X-Forwarded-For only from a valid, bounded range (the ingress controller), never from everyone', () => {
    const config = manifests.find((m) => m.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
    const trusted = validateEnv(CoreEnv, { TRUSTED_PROXIES: config.data.TRUSTED_PROXIES }).TRUSTED_PROXIES;
    expect(trusted.length).toBeGreaterThan(0);
    for (const range of trusted) expect(range).not.toMatch(/\/0$/);
  });
});

describe('docker/compose.yaml', () => {
  it('defines the dependencies and every process of both apps', () => {
    const compose = parseAllDocuments(readFileSync(join(__dirname, '../../docker/compose.yaml'), 'utf8'))[0].toJS() as {
      services: Record<string, { command?: string[]; image?: string; ports?: string[]; environment?: Record<string, string> }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(
      ['api-server', 'api-worker', 'mailpit', 'migrate', 'minio', 'postgres', 'reality-server', 'reality-worker', 'redis'].sort(),
    );
    expect(compose.services.postgres.image).toMatch(/pgvector/);
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
    expect(compose.services['api-server'].ports).toContain('3000:3000');
    expect(compose.services['reality-server'].ports).toContain('3001:3001');
    // NODE_ENV=production refuses MAIL_TRANSPORT=log: the api processes send to the mailpit container.
    for (const name of ['api-server', 'api-worker']) {
      expect(compose.services[name].environment).toMatchObject({ MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://mailpit:1025' });
    }
  });

  it('API8:2023 connects each kind of process as its own database role, and provisions them all', () => {
    const compose = parseAllDocuments(readFileSync(join(__dirname, '../../docker/compose.yaml'), 'utf8'), { merge: true })[0].toJS() as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const user = (service: string, variable = 'DATABASE_URL') =>
      new URL(compose.services[service].environment?.[variable] ?? '').username;
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
    const text = readFileSync(join(__dirname, '../../docker/compose.yaml'), 'utf8');
    // `merge`: the apps take their common variables through a YAML merge key (<<: *common-env).
    const compose = parseAllDocuments(text, { merge: true })[0].toJS() as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    for (const app of ['api-server', 'api-worker', 'reality-server', 'reality-worker'])
      expect({ app, trusted: compose.services[app].environment?.TRUSTED_PROXIES }).toEqual({ app, trusted: '' });
  });
});
