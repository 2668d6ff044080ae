import type { INestApplication } from '@nestjs/common';
import { loadEnv, type EnvClass, type RawEnv } from '@ppt/config';
import { createTestDatabase, type TestDatabase } from './template-database';
import { testRedisPrefix } from './test-redis';
import { TEST_REDIS_URL } from './test-services';

export interface BootedApp<App extends INestApplication, Env> {
  app: App;
  env: Env;
  db: TestDatabase;
  close(): Promise<void>;
}

/**
 * Boots a real app (the same factory main.ts uses) on a database cloned from the migrated template
 * and a Redis key prefix of its own; close() drops both.
 */
export async function bootTestApp<App extends INestApplication, Env extends object>(
  envClass: EnvClass<Env>,
  createApp: (env: Env) => Promise<App>,
  overrides: RawEnv = {},
): Promise<BootedApp<App, Env>> {
  const db = await createTestDatabase();
  const redis = testRedisPrefix();
  try {
    const env = loadEnv(envClass, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: db.appUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: redis.prefix,
      ...overrides,
    });
    const app = await createApp(env);
    await app.init();
    return {
      app,
      env,
      db,
      async close() {
        await app.close();
        await Promise.all([db.drop(), redis.cleanup()]);
      },
    };
  } catch (err) {
    await Promise.all([db.drop(), redis.cleanup()]);
    throw err;
  }
}
