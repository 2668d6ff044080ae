#!/usr/bin/env node
// Secrets gate: secretlint (recommended preset, .secretlintrc.json) over every file git would commit in
// a working tree: tracked files and untracked ones not ignored (so a secret is caught before `git add`;
// the git-ignored .env with its generated local keys is not scanned). `node tools/secrets/scan.mjs [dir]`
// (default: this repository); exit code 0 when clean, 1 with secretlint's report otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, ROOT } from '../lib/workspace.mjs';

/** Files per secretlint run, well under the OS limit on one command line. */
const FILES_PER_RUN = 400;

export function scanForSecrets(dir = ROOT) {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (listed.status !== 0) return { ok: false, output: `git ls-files failed in ${dir}: ${listed.stderr}` };
  // A tracked file deleted in the working tree is not there to scan; node_modules is a symlink in worktrees.
  const files = listed.stdout
    .split('\0')
    .filter((f) => f && f !== 'node_modules' && existsSync(join(dir, f)));
  let output = '';
  let ok = true;
  for (let i = 0; i < files.length; i += FILES_PER_RUN) {
    const result = spawnSync(
      bin('secretlint'),
      [
        '--secretlintrc',
        join(ROOT, '.secretlintrc.json'),
        '--no-color',
        ...files.slice(i, i + FILES_PER_RUN),
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    if (result.status !== 0) ok = false;
    output += result.stdout + result.stderr;
  }
  return { ok, output, files: files.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = resolve(process.argv[2] ?? ROOT);
  const { ok, output, files } = scanForSecrets(dir);
  process.stdout.write(output);
  process.stdout.write(
    ok ? `secretlint: no secrets in ${files} files\n` : 'secretlint: secrets found (see above)\n',
  );
  process.exitCode = ok ? 0 : 1;
}
