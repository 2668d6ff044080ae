#!/usr/bin/env node
// npm test: every check and every test. Installs dependencies when missing, uses PostgreSQL and
// Redis at TEST_DATABASE_ADMIN_URL / TEST_REDIS_URL or starts local ones, installs Chromium for the
// browser tests and promtool for the Prometheus rule tests when missing, then runs lint, typecheck,
// the secrets gate (secretlint) and each project's three Jest tiers (docs/architecture.md, "Tests"),
// and ends with one line: "N passed, N failed" over all projects and tiers.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureChromium, ensurePostgres, ensurePromtool, ensureRedis } from '../lib/services.mjs';
import { scanForSecrets } from '../secrets/scan.mjs';
import { bin, ensureDependencies, log, ROOT, run } from '../lib/workspace.mjs';

ensureDependencies();
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  TEST_DATABASE_ADMIN_URL: process.env.TEST_DATABASE_ADMIN_URL || 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
  TEST_REDIS_URL: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
};
const reports = join(ROOT, 'reports', 'jest');
// Each tier's Nx target and the suffix of its report, reports/jest/<project><suffix>.json.
const TEST_TIERS = { test: '', 'test:int': '-int', e2e: '-e2e' };
const services = [];
let failedSteps = [];

try {
  services.push(await ensurePostgres(env.TEST_DATABASE_ADMIN_URL, join(ROOT, '.data', 'postgres-test')));
  services.push(await ensureRedis(env.TEST_REDIS_URL, join(ROOT, '.data', 'redis-test')));
  ensureChromium(env.CHROMIUM_PATH || '/usr/bin/chromium');
  ensurePromtool(env.PROMTOOL_PATH || '/usr/bin/promtool');
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });

  const nx = (...args) => run(bin('nx'), [...args, '--output-style=stream', '--skip-nx-cache'], { env });
  if ((await nx('run-many', '-t', 'lint', 'typecheck', '--parallel=2')) !== 0) failedSteps.push('lint/typecheck');
  const secrets = scanForSecrets();
  log(secrets.ok ? `secretlint: no secrets in ${secrets.files} files` : `secretlint found secrets:\n${secrets.output}`);
  if (!secrets.ok) failedSteps.push('secrets (secretlint)');
  if ((await nx('run-many', '-t', ...Object.keys(TEST_TIERS), '--parallel=2')) !== 0) failedSteps.push('tests');
} catch (err) {
  failedSteps.push(err.message);
} finally {
  for (const service of services.reverse()) await service.stop().catch(() => undefined);
}

let passed = 0;
let failed = 0;
const files = existsSync(reports) ? readdirSync(reports).filter((f) => f.endsWith('.json')) : [];
// A project's tier that wrote no report (it crashed, or found no test) counts as one failure.
for (const [target, suffix] of Object.entries(TEST_TIERS)) {
  for (const project of projectsWithTarget(target)) {
    if (!files.includes(`${project}${suffix}.json`)) {
      failed += 1;
      log(`${`${project}${suffix}`.padEnd(24)} wrote no test report`);
    }
  }
}
for (const file of files) {
  const report = JSON.parse(readFileSync(join(reports, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A suite that failed to load counts as a failure even though it ran no test.
  failed += report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
  log(`${file.replace(/\.json$/, '').padEnd(24)} ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
if (files.length === 0) failedSteps.push('no test report was written');

function projectsWithTarget(target) {
  const listed = spawnSync(bin('nx'), ['show', 'projects', '--with-target', target, '--json'], { cwd: ROOT, env, encoding: 'utf8' });
  try {
    return JSON.parse(listed.stdout);
  } catch {
    failedSteps.push('could not list the test projects');
    return [];
  }
}
if (failedSteps.length) log(`Failed: ${failedSteps.join(', ')}`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failedSteps.length || failed ? 1 : 0;
