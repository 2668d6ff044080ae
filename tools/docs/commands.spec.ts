import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { byKind, loadCompose, renderKustomization, type K8sObject } from '@ppt/testing';

/**
 * docs/deployment.md and docs/runbooks.md describe only commands that exist: every command in their
 * code blocks is checked against what it names — npm scripts, the admin and migration CLIs, files,
 * compose services, the overlays and the Kubernetes objects they render.
 */
const ROOT = join(__dirname, '../..');
const DOCS = ['docs/deployment.md', 'docs/runbooks.md'];
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>);
/** Subcommands the admin CLI lists in its usage (two-space indented names). */
const adminCommands = [
  ...read('apps/api-server/src/cli/admin.cli.ts').matchAll(/^ {2}([a-z][a-z-]+) {2,}/gm),
].map((m) => m[1]);
const migrateCommands = [...read('migrations/cli.ts').matchAll(/case '([a-z]+)':/g)].map((m) => m[1]);
/** The entry points the api-server image carries (webpack entries) and the backup image's files. */
const imageEntries = ['main.js', 'worker.js', 'migrate.js', 'admin.js'];
const composeServices = Object.keys(loadCompose().services);
const overlays = new Map<string, K8sObject[]>();
const rendered = (path: string) => {
  if (!overlays.has(path)) overlays.set(path, renderKustomization(join(ROOT, path)));
  return overlays.get(path) as K8sObject[];
};
const PROGRAMS = new Set([
  'npm',
  'node',
  'kubectl',
  'docker',
  'curl',
  'redis-cli',
  'psql',
  'openssl',
  'base64',
  'git',
  'export',
  'printf',
]);
const KINDS: Record<string, string> = {
  deployment: 'Deployment',
  job: 'Job',
  cronjob: 'CronJob',
  service: 'Service',
  configmap: 'ConfigMap',
  networkpolicy: 'NetworkPolicy',
  hpa: 'HorizontalPodAutoscaler',
};

/** Commands in the fenced code blocks: continuation lines joined, comments dropped, pipes split. */
function commandsIn(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```(?:bash|sh)?\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks
    .flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .flatMap((line) => line.split(/\s+\|\s+|\s+&&\s+/))
    .map((command) => command.replace(/^[A-Z_]+=("[^"]*"|\S+)\s+/, ''));
}

/** Splits a command into words, keeping quoted strings whole. */
function words(command: string): string[] {
  return [...command.matchAll(/"[^"]*"|'[^']*'|\S+/g)].map((m) => m[0].replace(/^["']|["']$/g, ''));
}

function problemsOf(command: string): string[] {
  const w = words(command);
  const [program] = w;
  if (!PROGRAMS.has(program)) return [`${command}: unknown program ${program}`];
  const problems: string[] = [];
  if (program === 'npm') {
    if (w[1] === 'run' && !scripts.includes(w[2])) problems.push(`${command}: no npm script ${w[2]}`);
    if (w[1] === 'run' && w[2] === 'admin' && !adminCommands.includes(w[4]))
      problems.push(`${command}: no admin command ${w[4]}`);
    if (w[1] !== 'run' && w[1] !== 'install')
      problems.push(`${command}: npm ${w[1]} is not a documented step`);
  }
  const scriptAt = w.findIndex((word, i) => i > 0 && w[i - 1] === 'node' && !word.startsWith('-'));
  if (scriptAt > 0) {
    const script = w[scriptAt];
    if (script.startsWith('tools/')) {
      if (!existsSync(join(ROOT, script))) problems.push(`${command}: no file ${script}`);
    } else if (!imageEntries.includes(script)) problems.push(`${command}: the image has no ${script}`);
    if (script === 'migrate.js' && !migrateCommands.includes(w[scriptAt + 1]))
      problems.push(`${command}: no migrate command ${w[scriptAt + 1]}`);
    if (script === 'admin.js' && !adminCommands.includes(w[scriptAt + 1]))
      problems.push(`${command}: no admin command ${w[scriptAt + 1]}`);
  }
  if (program === 'docker') {
    const file = w[w.indexOf('-f') + 1];
    if (!existsSync(join(ROOT, file))) problems.push(`${command}: no file ${file}`);
    const verb = w.findIndex((word) => ['exec', 'logs', 'restart', 'run'].includes(word));
    if (verb > 0) {
      const service = w
        .slice(verb + 1)
        .find((word, i, rest) => !word.startsWith('-') && !(i > 0 && rest[i - 1] === '-e'));
      if (!service || !composeServices.includes(service))
        problems.push(`${command}: no compose service ${service}`);
    }
  }
  if (program === 'kubectl') {
    const overlay = w.includes('-k') ? w[w.indexOf('-k') + 1] : 'k8s/overlays/prod';
    if (!existsSync(join(ROOT, overlay, 'kustomization.yaml')))
      return [`${command}: no kustomization ${overlay}`];
    const objects = rendered(overlay);
    for (const word of w) {
      const ref = /^(deployment|job|cronjob|service|configmap|networkpolicy|hpa)\/([a-z0-9.-]+)$/.exec(word);
      if (ref && !objects.some((o) => o.kind === KINDS[ref[1]] && o.metadata.name === ref[2]))
        problems.push(`${command}: the overlay renders no ${KINDS[ref[1]]} ${ref[2]}`);
    }
    // `kubectl get <kind> <name…>` / `kubectl delete <kind> <name…>`
    const verb = w.findIndex((word) => word === 'get' || word === 'delete');
    const kind = verb > 0 ? KINDS[w[verb + 1]] : undefined;
    if (kind)
      for (const name of w
        .slice(verb + 2)
        .filter((word) => !word.startsWith('-') && !/^\{|^-o$/.test(word) && w[w.indexOf(word) - 1] !== '-o'))
        if (!byKind(objects, kind).some((o) => o.metadata.name === name))
          problems.push(`${command}: the overlay renders no ${kind} ${name}`);
    const selector = w.includes('-l') ? w[w.indexOf('-l') + 1] : undefined;
    const labelled = selector && /^([a-z0-9./-]+)=([a-z0-9-]+)$/.exec(selector);
    if (
      labelled &&
      !objects.some(
        (o) =>
          (o.metadata.labels ?? {})[labelled[1]] === labelled[2] ||
          JSON.stringify(o).includes(`"${labelled[1]}":"${labelled[2]}"`),
      )
    )
      problems.push(`${command}: no object carries ${selector}`);
  }
  return problems;
}

describe.each(DOCS)('%s', (doc) => {
  const commands = commandsIn(read(doc));

  it('has commands to check', () => {
    expect(commands.length).toBeGreaterThan(5);
  });

  it('describes only commands that exist', () => {
    expect(commands.flatMap(problemsOf)).toEqual([]);
  });
});

describe('the command check', () => {
  it('catches a script, a CLI command, a file, a service, an overlay object and a program that do not exist', () => {
    expect(
      [
        'npm run db:snapshot',
        'npm run admin -- rotate-keys',
        'node tools/db/backup-all.mjs',
        'kubectl -n ppt exec deploy/api-server -- node migrate.js redo',
        'docker compose -f docker/compose.yaml logs api',
        'kubectl -n ppt rollout restart deployment/api-gateway',
        'kubectl -n ppt get service api-gateway',
        'aws s3 ls s3://ppt-backups',
      ].flatMap(problemsOf),
    ).toEqual([
      'npm run db:snapshot: no npm script db:snapshot',
      'npm run admin -- rotate-keys: no admin command rotate-keys',
      'node tools/db/backup-all.mjs: no file tools/db/backup-all.mjs',
      'kubectl -n ppt exec deploy/api-server -- node migrate.js redo: no migrate command redo',
      'docker compose -f docker/compose.yaml logs api: no compose service api',
      'kubectl -n ppt rollout restart deployment/api-gateway: the overlay renders no Deployment api-gateway',
      'kubectl -n ppt get service api-gateway: the overlay renders no Service api-gateway',
      'aws s3 ls s3://ppt-backups: unknown program aws',
    ]);
  });
});
