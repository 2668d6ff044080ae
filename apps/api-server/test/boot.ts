import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RawEnv } from '@ppt/config';
import { bootTestApp, type BootedApp } from '@ppt/testing';
import { ApiServerEnv } from '../src/api-server.env';
import { createApiServerApp } from '../src/api-server.app';

export const OPERATOR = { username: 'operator', password: 'operator-test-password' };

export type BootedApiServer = BootedApp<NestExpressApplication, ApiServerEnv>;

/** The real api-server on its own cloned database and Redis key prefix. */
export function bootApiServer(overrides: RawEnv = {}): Promise<BootedApiServer> {
  return bootTestApp(ApiServerEnv, createApiServerApp, {
    BULL_BOARD_USERNAME: OPERATOR.username,
    BULL_BOARD_PASSWORD: OPERATOR.password,
    ...overrides,
  });
}
