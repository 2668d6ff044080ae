import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readDotEnv } from './dotenv.mjs';
import { log, ROOT } from './workspace.mjs';

/**
 * The environment for the local system: .env (created from .env.example on first start, with
 * generated secrets) overlaid by the real environment. .env holds keys: it is readable by its owner
 * only (0600), and an older .env created with the umask's mode is tightened on every start.
 */
export function localEnv(envFile = join(ROOT, '.env')) {
  if (!existsSync(envFile)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    const text = readFileSync(join(ROOT, '.env.example'), 'utf8').replace(
      /^AUTH_JWT_PRIVATE_KEY=.*$/m,
      `AUTH_JWT_PRIVATE_KEY=${Buffer.from(pem).toString('base64')}`,
    );
    // Created with its final mode: there is no moment in which the key is readable by others.
    writeFileSync(envFile, text, { mode: 0o600, flag: 'wx' });
    log('Created .env from .env.example (with a generated token signing key)');
  }
  chmodSync(envFile, 0o600);
  fillGeneratedSecrets(envFile);
  const fromFile = readDotEnv(envFile);
  const env = { ...fromFile };
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && value !== '') env[key] = value;
  env.WORKER_DATABASE_URL ||= withLogin(env.DATABASE_URL, 'ppt_api_worker');
  env.REALITY_DATABASE_URL ||= withLogin(env.DATABASE_URL, 'ppt_portal');
  return env;
}

/**
 * The worker's and reality-server's own roles on api-server's database (an older .env names neither):
 * DATABASE_URL with that role's default credentials, as `migrate.js provision` creates them.
 */
function withLogin(apiUrl = 'postgres://ppt_api:ppt_api@127.0.0.1:5432/ppt', user) {
  const url = new URL(apiUrl);
  url.username = user;
  url.password = user;
  return url.toString();
}

/** The environment of api-server's worker: connected as its own role (it runs the platform jobs). */
export function workerEnv(env) {
  return { ...env, DATABASE_URL: env.WORKER_DATABASE_URL };
}

/** The environment of a reality-server process: the same, but connected as the portal's own role. */
export function realityEnv(env) {
  return { ...env, DATABASE_URL: env.REALITY_DATABASE_URL };
}

/** Secrets the local system generates for itself when .env leaves them empty (also in an older .env). */
const GENERATED_SECRETS = {
  SSO_CLIENT_SECRET: () => randomBytes(32).toString('base64url'),
  // Signs the token answers portal replicas share through Redis (kid:base64 of 32 bytes).
  SSO_ANNOUNCEMENT_KEYS: () => `k1:${randomBytes(32).toString('base64')}`,
  STORAGE_SIGNING_SECRET: () => randomBytes(32).toString('base64url'),
  // A key ring of one key (kid:base64 of 32 bytes); see libs/config SecretBox.
  SECRETS_ENCRYPTION_KEYS: () => `k1:${randomBytes(32).toString('base64')}`,
  // Signs notification e-mails' unsubscribe links (comma-separated, 32+ characters each; first signs).
  NOTIFICATION_UNSUBSCRIBE_SECRETS: () => randomBytes(32).toString('base64url'),
};

function fillGeneratedSecrets(envFile) {
  let text = readFileSync(envFile, 'utf8');
  const filled = [];
  for (const [key, generate] of Object.entries(GENERATED_SECRETS)) {
    const value = generate();
    const line = new RegExp(`^${key}=[ \\t]*$`, 'm');
    if (line.test(text)) text = text.replace(line, `${key}=${value}`);
    else if (!new RegExp(`^${key}=`, 'm').test(text)) text += `\n${key}=${value}\n`;
    else continue;
    filled.push(key);
  }
  if (filled.length === 0) return;
  writeFileSync(envFile, text, { mode: 0o600 });
  log(`Generated ${filled.join(', ')} in .env`);
}
