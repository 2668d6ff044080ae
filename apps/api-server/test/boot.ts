import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RawEnv } from '@ppt/config';
import { createWorkerApp } from '@ppt/http';
import { bootTestApp, testSigningKey, type BootedApp } from '@ppt/testing';
import { ApiServerEnv } from '../src/api-server.env';
import { createApiServerApp } from '../src/api-server.app';
import { WorkerModule } from '../src/worker.module';
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

/**
 * api-server's worker beside a booted server: the same settings, database and Redis prefix, connected
 * as the worker's own role (it runs the platform jobs, which api-server's role may not). Not yet
 * initialised: the caller calls init() when it is ready for the consumers to start.
 */
export function createTestWorker(server: BootedApiServer): Promise<INestApplication> {
  const env = Object.assign(new ApiServerEnv(), server.env, { DATABASE_URL: server.db.workerUrl });
  return createWorkerApp(WorkerModule.register(env));
}
