import { containersOf, podSpecOf, type K8sContainer, type K8sObject } from './kustomize';

/**
 * Cross-checks of rendered manifests that schema validation cannot see: each returns the problems it
 * found as sentences naming the object and field, so a failing test says what to fix.
 */

type Labels = Record<string, string>;
interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}
interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}
interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}
interface NetworkPolicyRule {
  from?: NetworkPolicyPeer[];
  to?: NetworkPolicyPeer[];
  ports?: { port?: number | string; protocol?: string }[];
}
interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: NetworkPolicyRule[];
  egress?: NetworkPolicyRule[];
}

const DEFAULT_PORTS: Record<string, number> = {
  'http:': 80,
  'https:': 443,
  'redis:': 6379,
  'rediss:': 6379,
  'postgres:': 5432,
  'postgresql:': 5432,
  'smtp:': 25,
  'smtps:': 465,
};

export const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const specOf = <T>(o: K8sObject) => o['spec'] as T;
const servicePorts = (service: K8sObject) => specOf<{ ports: ServicePort[] }>(service).ports;

export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    if (e.operator === 'In') return value !== undefined && (e.values ?? []).includes(value);
    if (e.operator === 'NotIn') return value === undefined || !(e.values ?? []).includes(value);
    if (e.operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
  return byLabel && byExpression;
}

/** The pods (workload and pod template labels) a Service's selector picks. */
function podsOf(objects: K8sObject[], selector: Labels) {
  return objects
    .map((o) => ({ owner: o, pod: podSpecOf(o) }))
    .filter(
      (p) => p.pod && Object.keys(selector).length > 0 && selects({ matchLabels: selector }, p.pod.labels),
    ) as {
    owner: K8sObject;
    pod: NonNullable<ReturnType<typeof podSpecOf>>;
  }[];
}

/** The container port a Service port, probe or backend names (by number or by name). */
function containerPortFor(containers: K8sContainer[], port: number | string): number | undefined {
  for (const c of containers)
    for (const p of c.ports ?? [])
      if (p.containerPort === port || (p.name !== undefined && p.name === port)) return p.containerPort;
  return undefined;
}

/**
 * A URL in a ConfigMap that names a Service of this render (a host without dots, or
 * `<name>.<namespace>.svc[.cluster.local]` in the render's namespace) must name an existing Service
 * and one of its ports (the scheme's default port when the URL has none). Hosts elsewhere are outside
 * this render and are not judged here.
 */
export function configMapUrlProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const config of byKind(objects, 'ConfigMap')) {
    for (const [key, value] of Object.entries((config['data'] as Record<string, string>) ?? {})) {
      const target = inClusterTarget(value, config.metadata.namespace);
      if (!target) continue;
      const where = `ConfigMap ${config.metadata.name} ${key}=${value}`;
      const service = byKind(objects, 'Service').find((s) => s.metadata.name === target.service);
      if (!service) {
        problems.push(`${where}: no Service ${target.service}`);
        continue;
      }
      const ports = servicePorts(service).map((p) => p.port);
      if (!ports.includes(target.port))
        problems.push(
          `${where}: Service ${target.service} has no port ${target.port} (it listens on ${ports.join(', ')})`,
        );
    }
  }
  return problems;
}

export function inClusterTarget(
  value: string,
  namespace: string | undefined,
): { service: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  if (!url.hostname || port === undefined) return undefined;
  const labels = url.hostname.split('.');
  if (labels.length === 1) return { service: labels[0], port };
  const svc = url.hostname.match(/^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/);
  if (svc && (namespace === undefined || svc[2] === namespace)) return { service: svc[1], port };
  return undefined;
}

/** Every Service's targetPort, probe port, Ingress backend and HPA/PDB target exists. */
export function portAndTargetProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const service of byKind(objects, 'Service')) {
    const selector = specOf<{ selector?: Labels }>(service).selector ?? {};
    const pods = podsOf(objects, selector);
    if (!pods.length) problems.push(`Service ${service.metadata.name}: its selector matches no pod template`);
    for (const port of servicePorts(service))
      for (const { owner, pod } of pods)
        if (containerPortFor(pod.spec.containers, port.targetPort ?? port.port) === undefined)
          problems.push(
            `Service ${service.metadata.name} port ${port.port}: ${owner.kind} ${owner.metadata.name} has no container port ${port.targetPort}`,
          );
  }
  for (const owner of objects) {
    for (const c of containersOf(owner)) {
      for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
        const probe = c[kind];
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (port !== undefined && containerPortFor([c], port) === undefined)
          problems.push(
            `${owner.kind} ${owner.metadata.name} container ${c.name} ${kind}: no container port ${port}`,
          );
      }
      const scrape = owner.kind === 'Deployment' ? annotationsOf(owner)['prometheus.io/port'] : undefined;
      if (scrape !== undefined && containerPortFor([c], Number(scrape)) === undefined)
        problems.push(
          `${owner.kind} ${owner.metadata.name}: prometheus.io/port ${scrape} is not a container port`,
        );
    }
  }
  for (const ingress of byKind(objects, 'Ingress')) {
    const rules = specOf<{
      rules: {
        http: {
          paths: { backend: { service: { name: string; port: { name?: string; number?: number } } } }[];
        };
      }[];
    }>(ingress).rules;
    for (const path of rules.flatMap((r) => r.http.paths)) {
      const { name, port } = path.backend.service;
      const service = byKind(objects, 'Service').find((s) => s.metadata.name === name);
      const found =
        service &&
        servicePorts(service).some(
          (p) => p.port === port.number || (port.name !== undefined && p.name === port.name),
        );
      if (!found)
        problems.push(
          `Ingress ${ingress.metadata.name}: backend ${name}:${port.name ?? port.number} does not exist`,
        );
    }
  }
  for (const hpa of byKind(objects, 'HorizontalPodAutoscaler')) {
    const ref = specOf<{ scaleTargetRef: { kind: string; name: string } }>(hpa).scaleTargetRef;
    if (!objects.some((o) => o.kind === ref.kind && o.metadata.name === ref.name))
      problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name}: no ${ref.kind} ${ref.name}`);
  }
  for (const pdb of byKind(objects, 'PodDisruptionBudget')) {
    const selector = specOf<{ selector: LabelSelector }>(pdb).selector;
    if (!objects.some((o) => o.kind === 'Deployment' && selects(selector, podSpecOf(o)?.labels ?? {})))
      problems.push(`PodDisruptionBudget ${pdb.metadata.name}: its selector matches no Deployment`);
  }
  return problems;
}

function annotationsOf(owner: K8sObject): Record<string, string> {
  const template = specOf<{ template?: { metadata?: { annotations?: Record<string, string> } } }>(
    owner,
  ).template;
  return template?.metadata?.annotations ?? {};
}

/** Every Secret key a container reads. */
export function secretKeysReferenced(objects: K8sObject[]): string[] {
  const keys = new Set<string>();
  for (const o of objects)
    for (const c of containersOf(o))
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) keys.add(e.valueFrom.secretKeyRef.key);
  return [...keys].sort();
}

/** Secrets are referenced, never inlined: no Secret objects and no literal values for secret-looking variables. */
export function inlinedSecretProblems(objects: K8sObject[]): string[] {
  const secretName = /SECRET|PASSWORD|PRIVATE_KEY|TOKEN|DSN|DATABASE_.*URL|REDIS_URL|_KEYS$/;
  const problems = byKind(objects, 'Secret').map(
    (s) => `Secret ${s.metadata.name} is defined in the manifests`,
  );
  for (const config of byKind(objects, 'ConfigMap'))
    for (const key of Object.keys((config['data'] as Record<string, string>) ?? {}))
      if (secretName.test(key)) problems.push(`ConfigMap ${config.metadata.name} holds ${key}`);
  for (const o of objects)
    for (const c of containersOf(o))
      for (const e of c.env ?? [])
        if (e.value !== undefined && secretName.test(e.name))
          problems.push(`${o.kind} ${o.metadata.name} sets ${e.name} inline`);
  return problems;
}

/** Non-root, read-only root filesystem, no privilege escalation, resources, and mounts of declared volumes. */
export function podHardeningProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const where = `${o.kind} ${o.metadata.name}`;
    if (pod.spec.securityContext?.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not set`);
    const volumes = new Set((pod.spec.volumes ?? []).map((v) => v.name));
    for (const c of containersOf(o)) {
      if (c.securityContext?.readOnlyRootFilesystem !== true)
        problems.push(`${where} ${c.name}: root filesystem is writable`);
      if (c.securityContext?.allowPrivilegeEscalation !== false)
        problems.push(`${where} ${c.name}: privilege escalation is allowed`);
      if (
        !c.resources?.requests?.['cpu'] ||
        !c.resources?.requests?.['memory'] ||
        !c.resources?.limits?.['memory']
      )
        problems.push(`${where} ${c.name}: cpu/memory requests or the memory limit are missing`);
      for (const m of c.volumeMounts ?? [])
        if (!volumes.has(m.name)) problems.push(`${where} ${c.name}: mounts undeclared volume ${m.name}`);
    }
  }
  return problems;
}

/**
 * Whether NetworkPolicies let pods labelled `from` open a TCP connection to pods labelled `to` on
 * `port`, both in the render's namespace (Kubernetes semantics: a pod selected by no policy of a
 * direction is open in that direction; otherwise some rule of a selecting policy must allow it).
 */
export function networkAllows(objects: K8sObject[], from: Labels, to: Labels, port: number): boolean {
  const policies = byKind(objects, 'NetworkPolicy').map((p) => specOf<NetworkPolicySpec>(p));
  const types = (p: NetworkPolicySpec) => p.policyTypes ?? (p.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  const portAllowed = (rule: NetworkPolicyRule) =>
    !rule.ports?.length ||
    rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port));
  const peerMatches = (peers: NetworkPolicyPeer[] | undefined, labels: Labels) =>
    peers === undefined ||
    peers.some((peer) => !peer.namespaceSelector && !peer.ipBlock && selects(peer.podSelector ?? {}, labels));
  const direction = (kind: 'Ingress' | 'Egress', subject: Labels, other: Labels) => {
    const selecting = policies.filter((p) => types(p).includes(kind) && selects(p.podSelector, subject));
    if (!selecting.length) return true;
    return selecting.some((p) =>
      (kind === 'Ingress' ? p.ingress : p.egress)?.some(
        (rule) => portAllowed(rule) && peerMatches(kind === 'Ingress' ? rule.from : rule.to, other),
      ),
    );
  };
  return direction('Egress', from, to) && direction('Ingress', to, from);
}

/**
 * Every in-cluster URL a workload is given through a ConfigMap is reachable under the NetworkPolicies:
 * from the workload's pods to the Service's pods on the target container port.
 */
export function networkPolicyProblems(
  objects: K8sObject[],
  readsVariable: (consumer: K8sObject, key: string) => boolean = () => true,
): string[] {
  const problems: string[] = [];
  for (const config of byKind(objects, 'ConfigMap')) {
    const consumers = objects.filter((o) =>
      containersOf(o).some((c) => c.envFrom?.some((e) => e.configMapRef?.name === config.metadata.name)),
    );
    for (const [key, value] of Object.entries((config['data'] as Record<string, string>) ?? {})) {
      const target = inClusterTarget(value, config.metadata.namespace);
      const service = target && byKind(objects, 'Service').find((s) => s.metadata.name === target.service);
      const port = service && servicePorts(service).find((p) => p.port === target?.port);
      if (!service || !port) continue;
      const selector = specOf<{ selector: Labels }>(service).selector;
      for (const { pod } of podsOf(objects, selector)) {
        const podPort = containerPortFor(pod.spec.containers, port.targetPort ?? port.port) as number;
        for (const consumer of consumers) {
          const labels = podSpecOf(consumer)?.labels ?? {};
          // Only the processes that read the variable (every process gets the whole ConfigMap).
          if (!readsVariable(consumer, key)) continue;
          if (!networkAllows(objects, labels, pod.labels, podPort))
            problems.push(
              `${consumer.kind} ${consumer.metadata.name} cannot reach ${key} (${value}) on pod port ${podPort}: no NetworkPolicy allows it`,
            );
        }
      }
    }
  }
  return problems;
}
