import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function log(message) {
  process.stdout.write(`[ppt] ${message}\n`);
}

/** npm install when dependencies are missing (a fresh clone). `npm ci` cannot work here: see README. */
export function ensureDependencies() {
  if (existsSync(join(ROOT, 'node_modules', '.bin', 'nx')) && existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) return;
  log('Installing dependencies (npm install)…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm install failed');
}

/** Runs a command to completion, streaming its output; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export function bin(name) {
  return join(ROOT, 'node_modules', '.bin', name);
}
