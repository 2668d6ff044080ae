#!/usr/bin/env node
// Summarises a V8 CPU profile (node --cpu-prof) by where the time is spent: self time per package
// (node_modules/<name>), per file of this repository, and node's own internals. argv[2]: the
// .cpuprofile file; argv[3]: how many rows (default 25). Used for docs/performance.md.
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const rows = Number(process.argv[3] ?? 25);
const selfUs = new Map(profile.nodes.map((n) => [n.id, 0]));
for (let i = 0; i < profile.samples.length; i++) {
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const byPlace = new Map();
const byFunction = new Map();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us) continue;
  const { url, functionName } = node.callFrame;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  const place = pkg
    ? pkg
    : url.startsWith('node:') || !url
      ? `(node) ${functionName || url || 'native'}`.slice(0, 60)
      : url.replace(/^.*\/dist\//, 'dist/');
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  const fn = `${functionName || '(anonymous)'} ${pkg ?? place}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
}
const table = (title, map) => {
  console.log(`| ${title} | self time | share |\n|---|---|---|`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`| ${k} | ${(us / 1000).toFixed(0)} ms | ${((100 * us) / total).toFixed(1)} % |`);
  }
  console.log();
};
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms\n`);
table('package / file', byPlace);
table('function', byFunction);
