import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** tools/lib/env.mjs localEnv(), as `npm start` and the admin CLI run it, on a scratch .env path. */
function localEnv(envFile: string): void {
  const module = join(__dirname, 'env.mjs');
  const result = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `(await import(${JSON.stringify(module)})).localEnv(process.argv[1]);`,
      envFile,
    ],
    { encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('the local .env (tools/lib/env.mjs)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ppt-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created readable by its owner only (0600), with the generated signing key', () => {
    const envFile = join(dir, '.env');
    localEnv(envFile);
    expect(modeOf(envFile)).toBe(0o600);
    expect(readFileSync(envFile, 'utf8')).toMatch(/^AUTH_JWT_PRIVATE_KEY=\S{100,}$/m);
  });

  it('tightens an existing .env that others could read', () => {
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'API_PORT=3000\n', { mode: 0o644 });
    localEnv(envFile);
    expect(modeOf(envFile)).toBe(0o600);
  });
});
