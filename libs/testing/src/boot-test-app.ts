import type { INestApplication } from '@nestjs/common';
import { loadEnv, type EnvClass, type RawEnv } from '@ppt/config';
import { checkAnswersAgainstDocument } from './contract/contract-recorder';
import { createTestDatabase, type TestDatabase } from './template-database';
import { testRedisPrefix } from './test-redis';
import { TEST_REDIS_URL } from './test-services';

export interface BootedApp<App extends INestApplication, Env> {
  app: App;
  env: Env;
  db: TestDatabase;
  /** Closes the app, then drops its database and Redis keys. */
  close(): Promise<void>;
  /** Drops the database and Redis keys only (after the test closed the app itself, e.g. to restart it). */
  cleanup(): Promise<void>;
}

export interface BootOptions {
  /** The database role the app connects as: api-server's (default), its worker's or reality-server's. */
  connectAs?: 'api' | 'worker' | 'portal';
}

/**
 * Boots a real app (the same factory main.ts uses) on a database cloned from the migrated template
 * and a Redis key prefix of its own; close() drops both.
 */
export async function bootTestApp<App extends INestApplication, Env extends object>(
  envClass: EnvClass<Env>,
  createApp: (env: Env) => Promise<App>,
  overrides: RawEnv = {},
  { connectAs = 'api' }: BootOptions = {},
): Promise<BootedApp<App, Env>> {
  const db = await createTestDatabase();
  const redis = testRedisPrefix();
  let app: App | undefined;
  try {
    const env = loadEnv(envClass, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: { api: db.appUrl, worker: db.workerUrl, portal: db.portalUrl }[connectAs],
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: redis.prefix,
      ...overrides,
    });
    app = await createApp(env);
    // Every answer is checked against the app's own OpenAPI document (contract-setup.ts reports).
    checkAnswersAgainstDocument(app);
    await app.init();
    const cleanup = () => Promise.all([db.drop(), redis.cleanup()]).then(() => undefined);
    const booted: BootedApp<App, Env> = {
      app,
      env,
      db,
      cleanup,
      // Closes whatever app is current: a test may have restarted it (replaced `app`).
      async close() {
        await booted.app.close();
        await cleanup();
      },
    };
    return booted;
  } catch (err) {
    await app?.close().catch(() => undefined);
    await Promise.all([db.drop(), redis.cleanup()]);
    throw err;
  }
}
