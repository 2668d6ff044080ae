import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadEnv, type RawEnv } from '@ppt/config';
import { createTestDatabase, TEST_REDIS_URL, testRedisPrefix } from '@ppt/testing';
import { createRealityServerApp } from '../src/reality-server.app';
import { RealityServerEnv } from '../src/reality-server.env';

export interface BootedRealityServer {
  app: NestExpressApplication;
  close(): Promise<void>;
}

/** Boots the real reality-server app on its own cloned database and Redis key prefix. */
export async function bootRealityServer(overrides: RawEnv = {}): Promise<BootedRealityServer> {
  const db = await createTestDatabase();
  const redis = testRedisPrefix();
  const env = loadEnv(RealityServerEnv, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: db.appUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redis.prefix,
    ...overrides,
  });
  const app = await createRealityServerApp(env);
  await app.init();
  return {
    app,
    async close() {
      await app.close();
      await Promise.all([db.drop(), redis.cleanup()]);
    },
  };
}
