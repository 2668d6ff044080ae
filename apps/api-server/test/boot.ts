import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadEnv, type RawEnv } from '@ppt/config';
import { createTestDatabase, TEST_REDIS_URL, testRedisPrefix, type TestDatabase } from '@ppt/testing';
import { ApiServerEnv } from '../src/api-server.env';
import { createApiServerApp } from '../src/api-server.app';

export const OPERATOR = { username: 'operator', password: 'operator-test-password' };

export interface BootedApiServer {
  app: NestExpressApplication;
  env: ApiServerEnv;
  db: TestDatabase;
  close(): Promise<void>;
}

/** Boots the real api-server app on its own cloned database and Redis key prefix. */
export async function bootApiServer(overrides: RawEnv = {}): Promise<BootedApiServer> {
  const db = await createTestDatabase();
  const redis = testRedisPrefix();
  const env = loadEnv(ApiServerEnv, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: db.appUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redis.prefix,
    BULL_BOARD_USERNAME: OPERATOR.username,
    BULL_BOARD_PASSWORD: OPERATOR.password,
    HTTP_BODY_LIMIT: '100kb',
    CORS_ORIGINS: 'https://app.example.test',
    ...overrides,
  });
  const app = await createApiServerApp(env);
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
}
