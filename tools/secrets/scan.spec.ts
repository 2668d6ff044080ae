import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The secrets gate of `npm test` (tools/secrets/scan.mjs), run on a scratch git working tree. */
const SCAN = join(__dirname, 'scan.mjs');

function scan(dir: string) {
  const result = spawnSync(process.execPath, [SCAN, dir], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

/**
 * Canaries are built here at run time, so no secret-shaped string is ever committed: a fresh RSA
 * private key and a random AWS secret access key (40 characters of the documented alphabet).
 */
const privateKeyPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
    type: 'pkcs1',
    format: 'pem',
  }) as string;
const awsSecretAccessKey = () => randomBytes(30).toString('base64').replace(/[+/]/g, 'A');

describe('secrets gate (secretlint, recommended preset)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ppt-secrets-'));
    expect(spawnSync('git', ['init', '-q'], { cwd: dir }).status).toBe(0);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'config.ts'), "export const region = 'eu-central-1';\n");
    writeFileSync(join(dir, '.gitignore'), '.env\n');
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a tree without secrets', () => {
    const { status, output } = scan(dir);
    expect(output).toContain('no secrets');
    expect(status).toBe(0);
  });

  it('fails on a planted private key, naming the file', () => {
    writeFileSync(join(dir, 'src', 'signing-key.pem'), privateKeyPem());
    const { status, output } = scan(dir);
    expect(status).toBe(1);
    expect(output).toContain('signing-key.pem');
    expect(output).toContain('secretlint-rule-privatekey');
  });

  it('fails on a planted AWS secret access key in a file that is not yet committed, masking it in the report', () => {
    const secret = awsSecretAccessKey();
    writeFileSync(
      join(dir, 'src', 'worker.env'),
      `AWS_REGION=eu-central-1\nAWS_SECRET_ACCESS_KEY=${secret}\n`,
    );
    const { status, output } = scan(dir);
    expect(status).toBe(1);
    expect(output).toContain('worker.env');
    expect(output).toContain('secretlint-rule-aws');
    expect(output).not.toContain(secret);
  });

  it('leaves git-ignored files alone (the local .env holds generated keys by design)', () => {
    writeFileSync(join(dir, '.env'), `AUTH_JWT_PRIVATE_KEY="${privateKeyPem()}"\n`);
    expect(scan(dir).status).toBe(0);
  });
});
