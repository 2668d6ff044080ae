import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { readDotEnv } from './dotenv.mjs';
import { log, ROOT } from './workspace.mjs';

/**
 * The environment for the local system: .env (created from .env.example on first start, with
 * generated secrets) overlaid by the real environment.
 */
export function localEnv() {
  const envFile = join(ROOT, '.env');
  if (!existsSync(envFile)) {
    copyFileSync(join(ROOT, '.env.example'), envFile);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    const text = readFileSync(envFile, 'utf8').replace(
      /^AUTH_JWT_PRIVATE_KEY=.*$/m,
      `AUTH_JWT_PRIVATE_KEY=${Buffer.from(pem).toString('base64')}`,
    );
    writeFileSync(envFile, text, { mode: 0o600 });
    log('Created .env from .env.example (with a generated token signing key)');
  }
  const fromFile = readDotEnv(envFile);
  const env = { ...fromFile };
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && value !== '') env[key] = value;
  return env;
}
