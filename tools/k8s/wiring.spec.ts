import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { CoreEnv, validateEnv } from '@ppt/config';
import {
  byKind,
  configMapUrlProblems,
  containersOf,
  inlinedSecretProblems,
  networkAllows,
  networkPolicyProblems,
  podHardeningProblems,
  podSpecOf,
  portAndTargetProblems,
  renderKustomization,
  secretKeysReferenced,
  type K8sObject,
} from '@ppt/testing';

/**
 * The Kubernetes manifests as a system: every overlay rendered (the same output as `kustomize build`,
 * checked against kubectl's), every object validated against the Kubernetes schemas offline
 * (kubernetes-models), then the references between objects that no schema sees.
 */
const K8S = join(__dirname, '../../k8s');
const OVERLAYS = ['dev', 'staging', 'prod'];
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};
/** The variables only one app reads (each process gets the whole ConfigMap). */
const READERS: Record<string, string[]> = { API_SERVER_URL: ['ppt/reality-server'] };
const readsVariable = (consumer: K8sObject, key: string) =>
  !READERS[key] || containersOf(consumer).some((c) => READERS[key].includes(c.image.split(':')[0]));

const render = (overlay: string) => renderKustomization(join(K8S, 'overlays', overlay));
const configOf = (objects: K8sObject[]) => byKind(objects, 'ConfigMap')[0]['data'] as Record<string, string>;
const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as K8sObject;
const podLabels = (objects: K8sObject[], deployment: string) =>
  podSpecOf(find(objects, 'Deployment', deployment))?.labels ?? {};

describe.each(OVERLAYS)('k8s/overlays/%s', (overlay) => {
  const objects = render(overlay);

  it('renders every object the system needs, each valid against its Kubernetes schema', () => {
    const names = (kind: string) =>
      byKind(objects, kind)
        .map((o) => o.metadata.name)
        .sort();
    const processes = ['api-server', 'api-worker', 'reality-server', 'reality-worker'];
    expect(names('Deployment')).toEqual(processes);
    expect(names('HorizontalPodAutoscaler')).toEqual(processes);
    expect(names('PodDisruptionBudget')).toEqual(processes);
    expect(names('Service')).toEqual(['api-server', 'reality-server']);
    expect(names('Ingress')).toEqual(['ppt']);
    expect(names('CronJob')).toEqual(['ppt-backup']);
    expect(names('Job')).toHaveLength(1);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect({ kind: object.kind, known: Model !== undefined }).toEqual({ kind: object.kind, known: true });
      expect(() => new Model(object as never).validate()).not.toThrow();
      expect(object.metadata.namespace).toBe(overlay === 'prod' ? 'ppt' : `ppt-${overlay}`);
    }
  });

  it('every in-cluster URL in a ConfigMap names an existing Service and port', () => {
    expect(configMapUrlProblems(objects)).toEqual([]);
  });

  it('every Service, probe, scrape port, Ingress backend, HPA and PDB points at something that exists', () => {
    expect(portAndTargetProblems(objects)).toEqual([]);
  });

  it('leaves the replica count to the autoscalers (a count in the manifest would reset them on every apply)', () => {
    const withCount = byKind(objects, 'Deployment').filter((d) => 'replicas' in (d['spec'] as object));
    expect(withCount.map((d) => d.metadata.name)).toEqual([]);
  });

  it('every Secret key a container reads is documented in k8s/README.md, and none is inlined', () => {
    const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
    const undocumented = secretKeysReferenced(objects).filter((key) => !readme.includes(`\`${key}\``));
    expect(undocumented).toEqual([]);
    expect(inlinedSecretProblems(objects)).toEqual([]);
  });

  it('runs every pod non-root on a read-only root filesystem, with resources and only declared writable mounts', () => {
    expect(podHardeningProblems(objects)).toEqual([]);
    for (const d of byKind(objects, 'Deployment'))
      expect(containersOf(d)[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  it('lets the portal reach api-server on its port only, and nothing else reach it inside the namespace', () => {
    expect(networkPolicyProblems(objects, readsVariable)).toEqual([]);
    const [api, portal, portalWorker, apiWorker] = [
      'api-server',
      'reality-server',
      'reality-worker',
      'api-worker',
    ].map((d) => podLabels(objects, d));
    expect(networkAllows(objects, portal, api, 3000)).toBe(true);
    expect(networkAllows(objects, portalWorker, api, 3000)).toBe(true);
    expect(networkAllows(objects, portal, api, 3100)).toBe(false);
    expect(networkAllows(objects, portal, apiWorker, 3100)).toBe(false);
    // The health history: api-server's worker probes the portal's readiness on its HTTP port, nothing more.
    expect(networkAllows(objects, apiWorker, portal, 3001)).toBe(true);
    expect(networkAllows(objects, api, portal, 3001)).toBe(false);
    expect(networkAllows(objects, apiWorker, portalWorker, 3101)).toBe(false);
  });

  it("gives the api worker reality-server's Service URL for the health history", () => {
    const worker = containersOf(find(objects, 'Deployment', 'api-worker'))[0];
    const url = worker.env?.find((e) => e.name === 'HEALTH_HISTORY_REALITY_SERVER_URL')?.value;
    const service = find(objects, 'Service', 'reality-server');
    expect(url).toBe(
      `http://reality-server:${(service['spec'] as { ports: { port: number }[] }).ports[0]!.port}`,
    );
  });

  it('stores documents on S3 and trusts X-Forwarded-For only from a bounded ingress range', () => {
    const config = configOf(objects);
    expect(config).toMatchObject({ STORAGE_DRIVER: 's3', S3_BUCKET: expect.any(String) });
    const trusted = validateEnv(CoreEnv, { TRUSTED_PROXIES: config['TRUSTED_PROXIES'] }).TRUSTED_PROXIES;
    expect(trusted.length).toBeGreaterThan(0);
    for (const range of trusted) expect(Number(range.split('/')[1])).toBeGreaterThanOrEqual(16);
  });

  it('names the migration Job after the release it migrates to, and runs it before the rollout', () => {
    const [job] = byKind(objects, 'Job');
    const apiImage = containersOf(find(objects, 'Deployment', 'api-server'))[0].image;
    const tag = apiImage.split(':')[1];
    expect(tag).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
    expect(job.metadata.name).toBe(`ppt-migrate-${tag}`);
    expect(containersOf(job)[0]).toMatchObject({ image: apiImage, command: ['node', 'migrate.js', 'up'] });
    expect(job.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'PreSync' });
    // Every process of a release runs the same tag.
    for (const o of objects) for (const c of containersOf(o)) expect(c.image.split(':')[1]).toBe(tag);
  });

  it('API8:2023 connects each kind of process as its own database role', () => {
    const databaseSecret = Object.fromEntries(
      byKind(objects, 'Deployment').map((d) => [
        d.metadata.name,
        containersOf(d)[0].env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef?.key,
      ]),
    );
    expect(databaseSecret).toEqual({
      'api-server': 'DATABASE_URL',
      'api-worker': 'WORKER_DATABASE_URL',
      'reality-server': 'REALITY_DATABASE_URL',
      'reality-worker': 'REALITY_DATABASE_URL',
    });
  });
});

describe('the wiring checks catch broken manifests (each check can fail)', () => {
  const fresh = () => render('prod');

  it("fails on the portal pointed at api-server's pod port instead of its Service port (http://api-server:3000)", () => {
    const objects = fresh();
    configOf(objects)['API_SERVER_URL'] = 'http://api-server:3000';
    expect(configMapUrlProblems(objects)).toEqual([
      'ConfigMap ppt-config API_SERVER_URL=http://api-server:3000: Service api-server has no port 3000 (it listens on 80)',
    ]);
  });

  it('fails on a URL naming a Service that does not exist', () => {
    const objects = fresh();
    configOf(objects)['API_SERVER_URL'] = 'http://api:80';
    expect(configMapUrlProblems(objects)).toEqual([
      'ConfigMap ppt-config API_SERVER_URL=http://api:80: no Service api',
    ]);
  });

  it('fails on a probe naming a port the container does not have', () => {
    const objects = fresh();
    const container = containersOf(find(objects, 'Deployment', 'reality-server'))[0];
    container.readinessProbe = { httpGet: { path: '/health/ready', port: 'metrics' } };
    expect(portAndTargetProblems(objects)).toEqual([
      'Deployment reality-server container reality-server readinessProbe: no container port metrics',
    ]);
  });

  it('fails on a NetworkPolicy that no longer lets the portal in', () => {
    const objects = fresh().filter((o) => o.metadata.name !== 'api-server-from-portal');
    expect(networkPolicyProblems(objects, readsVariable)).toEqual([
      'Deployment reality-server cannot reach API_SERVER_URL (http://api-server:80) on pod port 3000: no NetworkPolicy allows it',
      'Deployment reality-worker cannot reach API_SERVER_URL (http://api-server:80) on pod port 3000: no NetworkPolicy allows it',
    ]);
  });

  it('fails on an inlined secret and a writable root filesystem', () => {
    const objects = fresh();
    const container = containersOf(find(objects, 'Deployment', 'api-worker'))[0];
    container.env?.push({ name: 'AUTH_JWT_PRIVATE_KEY', value: 'inline' });
    container.securityContext = { ...container.securityContext, readOnlyRootFilesystem: false };
    expect(inlinedSecretProblems(objects)).toEqual([
      'Deployment api-worker sets AUTH_JWT_PRIVATE_KEY inline',
    ]);
    expect(podHardeningProblems(objects)).toEqual([
      'Deployment api-worker api-worker: root filesystem is writable',
    ]);
  });

  it('rejects an object its schema does not allow', () => {
    const broken = structuredClone(find(fresh(), 'Deployment', 'api-server'));
    (broken['spec'] as Record<string, unknown>)['replicas'] = 'two';
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });
});
