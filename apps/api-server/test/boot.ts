import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RawEnv } from '@ppt/config';
import { bootTestApp, testSigningKey, type BootedApp } from '@ppt/testing';
import { ApiServerEnv } from '../src/api-server.env';
import { createApiServerApp } from '../src/api-server.app';
import { rememberOwnerUrl } from './identity';

export type BootedApiServer = BootedApp<NestExpressApplication, ApiServerEnv>;

/** The real api-server on its own cloned database and Redis key prefix. */
export async function bootApiServer(overrides: RawEnv = {}): Promise<BootedApiServer> {
  const server = await bootTestApp(ApiServerEnv, createApiServerApp, {
    AUTH_JWT_PRIVATE_KEY: testSigningKey(),
    AUTH_ISSUER: 'http://api.test',
    // Local fake portals and webhook receivers listen on loopback: allow-listed explicitly.
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
    ...overrides,
  });
  rememberOwnerUrl(server.app.getHttpServer(), server.db.ownerUrl);
  return server;
}
