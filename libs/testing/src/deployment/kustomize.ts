import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One Kubernetes object as the manifests spell it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { path?: string; patch?: string; target?: { kind?: string; name?: string } }[];
}

type JsonPatch = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown }[];

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
]);
/** Fields whose lists strategic merge combines by a key instead of replacing (the ones our manifests patch). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
};

/**
 * Renders a kustomization directory the way `kustomize build` does for the features this repository
 * uses: resources (files and directories), namespace, labels (metadata only), images, and patches
 * (strategic merge, or JSON 6902 with a target). Anything else in a kustomization is refused, so a
 * manifest change that needs a real kustomize cannot silently render differently here.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  const k = readYaml(file)[0] as Kustomization & Record<string, unknown>;
  const supported = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'labels', 'images', 'patches']);
  const unknown = Object.keys(k).filter((key) => !supported.has(key));
  if (unknown.length) throw new Error(`${file}: unsupported kustomization fields ${unknown.join(', ')}`);

  let objects = (k.resources ?? []).flatMap((resource) => {
    const path = join(dir, resource);
    if (!existsSync(path)) throw new Error(`${file}: resource ${resource} does not exist`);
    return statSync(path).isDirectory() ? renderKustomization(path) : (readYaml(path) as K8sObject[]);
  });
  for (const patch of k.patches ?? []) objects = applyPatch(objects, patch, dir);
  for (const label of k.labels ?? []) {
    if (label.includeSelectors || label.includeTemplates)
      throw new Error(`${file}: only metadata labels are supported`);
    for (const o of objects) o.metadata.labels = { ...(o.metadata.labels ?? {}), ...label.pairs };
  }
  for (const image of k.images ?? []) for (const o of objects) setImage(o, image);
  if (k.namespace)
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  return objects;
}

function readYaml(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0].message}`);
      return doc.toJS() as unknown;
    })
    .filter((doc) => doc !== null);
}

function applyPatch(
  objects: K8sObject[],
  patch: NonNullable<Kustomization['patches']>[number],
  dir: string,
): K8sObject[] {
  if (!patch.path) throw new Error('only patches from a file (path:) are supported');
  const [body] = readYaml(join(dir, patch.path));
  if (Array.isArray(body)) {
    const targets = objects.filter(
      (o) =>
        (!patch.target?.kind || o.kind === patch.target.kind) &&
        (!patch.target?.name || o.metadata.name === patch.target.name),
    );
    if (!targets.length) throw new Error(`patch ${patch.path}: no object matches its target`);
    return objects.map((o) =>
      targets.includes(o) ? jsonPatch(o, body as JsonPatch, patch.path as string) : o,
    );
  }
  return (readYaml(join(dir, patch.path)) as K8sObject[]).reduce((all, smp) => {
    const index = all.findIndex((o) => o.kind === smp.kind && o.metadata.name === smp.metadata.name);
    if (index < 0) throw new Error(`patch ${patch.path}: no ${smp.kind} ${smp.metadata.name} to patch`);
    return all.map((o, i) => (i === index ? (strategicMerge(o, smp) as K8sObject) : o));
  }, objects);
}

function strategicMerge(target: unknown, patch: unknown, field = ''): unknown {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(target)) return structuredClone(patch);
    const merged = [...target];
    for (const item of patch as Record<string, unknown>[]) {
      const at = merged.findIndex((t) => (t as Record<string, unknown>)[key] === item[key]);
      if (at < 0) merged.push(structuredClone(item));
      else merged[at] = strategicMerge(merged[at], item);
    }
    return merged;
  }
  if (patch && typeof patch === 'object') {
    const out: Record<string, unknown> = { ...((target as Record<string, unknown>) ?? {}) };
    for (const [name, value] of Object.entries(patch)) out[name] = strategicMerge(out[name], value, name);
    return out;
  }
  return patch;
}

function jsonPatch(object: K8sObject, ops: JsonPatch, file: string): K8sObject {
  const out = structuredClone(object);
  for (const op of ops) {
    const segments = op.path
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = segments.pop() as string;
    let parent: Record<string, unknown> | unknown[] = out as unknown as Record<string, unknown>;
    for (const segment of segments) {
      const next = (parent as Record<string, unknown>)[segment];
      if (next === undefined)
        throw new Error(`${file}: ${op.path} does not exist in ${object.kind} ${object.metadata.name}`);
      parent = next as Record<string, unknown>;
    }
    const exists = Array.isArray(parent) ? Number(last) < parent.length : last in parent;
    if (op.op !== 'add' && !exists)
      throw new Error(`${file}: ${op.path} does not exist in ${object.kind} ${object.metadata.name}`);
    if (op.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (Array.isArray(parent) && op.op === 'add') {
      parent.splice(last === '-' ? parent.length : Number(last), 0, op.value);
    } else {
      (parent as Record<string, unknown>)[last] = op.value;
    }
  }
  return out;
}

function setImage(object: K8sObject, image: NonNullable<Kustomization['images']>[number]): void {
  for (const container of containersOf(object)) {
    const [name] = container.image.split(':');
    if (name !== image.name) continue;
    const tag = image.newTag ?? container.image.split(':')[1];
    container.image = `${image.newName ?? name}${tag ? `:${tag}` : ''}`;
  }
}

export interface K8sContainer {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string; optional?: boolean };
      configMapKeyRef?: { name: string; key: string };
    };
  }[];
  startupProbe?: K8sProbe;
  livenessProbe?: K8sProbe;
  readinessProbe?: K8sProbe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface K8sProbe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
}
export interface K8sPodSpec {
  containers: K8sContainer[];
  initContainers?: K8sContainer[];
  volumes?: { name: string }[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}

/** The pod template of a Deployment, Job or CronJob (undefined for other kinds). */
export function podSpecOf(
  object: K8sObject,
): { labels: Record<string, string>; spec: K8sPodSpec } | undefined {
  const spec = object['spec'] as Record<string, unknown> | undefined;
  const template = (
    object.kind === 'CronJob'
      ? (spec?.['jobTemplate'] as Record<string, Record<string, unknown>>)?.['spec']?.['template']
      : ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind)
        ? spec?.['template']
        : undefined
  ) as { metadata?: { labels?: Record<string, string> }; spec: K8sPodSpec } | undefined;
  return template && { labels: template.metadata?.labels ?? {}, spec: template.spec };
}

export function containersOf(object: K8sObject): K8sContainer[] {
  const pod = podSpecOf(object);
  return pod ? [...(pod.spec.initContainers ?? []), ...pod.spec.containers] : [];
}
