#!/usr/bin/env node
// Tally of the black-box security suite: cases per OWASP API Security Top 10 (2023) item and the
// total, for the issue note. A case is a test whose name starts with its item id ("API1:2023 …").
//
//   node tools/security/tally.mjs            from the Jest JSON reports npm test wrote (reports/jest/*.json),
//                                            with each case's result; scans the spec files when there are none
//   node tools/security/tally.mjs --scan     from the spec files under apps/*/test/security/ (no results)
//
// Informational only: npm test's pass/fail does not depend on it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ITEMS = Array.from({ length: 10 }, (_, i) => `API${i + 1}:2023`);
const CASE = /^(API(?:10|[1-9]):2023)\b/;

/** From Jest reports: { item, file, title, status } per case. */
function fromReports(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).testResults ?? [])
    .flatMap((suite) =>
      (suite.assertionResults ?? [])
        .filter((test) => CASE.test(test.title))
        .map((test) => ({
          item: CASE.exec(test.title)[1],
          file: relative(ROOT, suite.name),
          title: test.title,
          status: test.status,
        })),
    );
}

/**
 * From the spec files: every `it('APIn:2023 …')`, and `it.each([...])('APIn:2023 …')` once per row
 * of its table (rows are the table's top-level `[…]` or `{…}` entries).
 */
function fromSpecs() {
  const cases = [];
  for (const app of readdirSync(join(ROOT, 'apps'))) {
    const dir = join(ROOT, 'apps', app, 'test', 'security');
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.e2e-spec.ts'))) {
      const source = readFileSync(join(dir, name), 'utf8');
      const file = relative(ROOT, join(dir, name));
      const single = /\b(?:it|test)\(\s*(['"`])(API(?:10|[1-9]):2023\b(?:(?!\1).)*)\1/g;
      for (const [, , title] of source.matchAll(single)) {
        cases.push({ item: CASE.exec(title)[1], file, title, status: 'not run' });
      }
      const table =
        /\b(?:it|test)\.each\(\s*\[([\s\S]*?)\]\s*\)\(\s*(['"`])(API(?:10|[1-9]):2023\b(?:(?!\2).)*)\2/g;
      for (const [, rows, , title] of source.matchAll(table)) {
        for (let row = 0; row < topLevelEntries(rows); row++) {
          cases.push({
            item: CASE.exec(title)[1],
            file,
            title: `${title} [row ${row + 1}]`,
            status: 'not run',
          });
        }
      }
    }
  }
  return cases;
}

/** Counts the comma-separated entries at depth 0 of an array literal's inside (strings skipped). */
function topLevelEntries(inside) {
  let depth = 0;
  let entries = 0;
  let open = false;
  let quote = null;
  for (let i = 0; i < inside.length; i++) {
    const c = inside[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '[' || c === '{' || c === '(') {
      if (depth === 0 && !open) (entries++, (open = true));
      depth++;
    } else if (c === ']' || c === '}' || c === ')') depth--;
    else if (c === ',' && depth === 0) open = false;
    else if (depth === 0 && !open && /\S/.test(c)) (entries++, (open = true));
  }
  return entries;
}

const scanOnly = process.argv.includes('--scan');
let cases = scanOnly ? [] : fromReports(join(ROOT, 'reports', 'jest'));
const source = cases.length ? 'Jest reports (reports/jest)' : 'spec files (apps/*/test/security)';
if (!cases.length) cases = fromSpecs();

const lines = [`OWASP API Security Top 10 (2023) cases, from ${source}:`];
for (const item of ITEMS) {
  const mine = cases.filter((c) => c.item === item);
  const byStatus = Object.entries(
    mine.reduce((acc, c) => ({ ...acc, [c.status]: (acc[c.status] ?? 0) + 1 }), {}),
  )
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  lines.push(
    `  ${item.padEnd(10)} ${String(mine.length).padStart(3)}${mine.length ? `  (${byStatus})` : ''}${mine.length < 3 ? '  < 3' : ''}`,
  );
}
lines.push(`  total      ${String(cases.length).padStart(3)}`);
const files = [...new Set(cases.map((c) => c.file))].sort();
lines.push(`  in ${files.length} file(s): ${files.join(', ')}`);
process.stdout.write(`${lines.join('\n')}\n`);
