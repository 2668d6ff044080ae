#!/usr/bin/env node
// Checks OpenAPI documents the way an integrator's tools would: the official JSON schema of the
// OpenAPI version (@seriousme/openapi-schema-validator) and Redocly's lint with the repo's
// redocly.yaml. Prints one JSON line per document: { file, schemaErrors[], redocly: { errors, warnings, problems[] } }.
// Usage: node tools/openapi/check-document.mjs <document.json>...
import { Validator } from '@seriousme/openapi-schema-validator';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { bin, ROOT } from '../lib/workspace.mjs';

for (const file of process.argv.slice(2)) {
  const validator = new Validator();
  const result = await validator.validate(JSON.parse(readFileSync(file, 'utf8')));
  const schemaErrors = result.valid ? [] : [].concat(result.errors ?? 'invalid');

  const lint = spawnSync(bin('redocly'), ['lint', relative(ROOT, file), '--format=json', '--max-problems=1000'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  let report;
  try {
    report = JSON.parse(lint.stdout.slice(lint.stdout.indexOf('{')));
  } catch {
    throw new Error(`redocly lint gave no report for ${file}: ${lint.stderr}`);
  }
  const problems = report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location?.[0]?.pointer})`);
  const redocly = { errors: report.totals.errors, warnings: report.totals.warnings, problems };
  process.stdout.write(`${JSON.stringify({ file, schemaErrors, redocly })}\n`);
}
