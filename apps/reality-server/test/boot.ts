import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RawEnv } from '@ppt/config';
import { bootTestApp, closedPort, type BootedApp } from '@ppt/testing';
import { createRealityServerApp } from '../src/reality-server.app';
import { RealityServerEnv } from '../src/reality-server.env';

export type BootedRealityServer = BootedApp<NestExpressApplication, RealityServerEnv>;

/**
 * The real reality-server on its own cloned database (as its own role, ppt_portal) and Redis key prefix. Unless told otherwise,
 * its api-server is a closed port, so no test depends on whatever listens on :3000.
 */
export async function bootRealityServer(overrides: RawEnv = {}): Promise<BootedRealityServer> {
  return bootTestApp(
    RealityServerEnv,
    createRealityServerApp,
    { API_SERVER_URL: `http://127.0.0.1:${await closedPort()}`, ...overrides },
    { connectAs: 'portal' },
  );
}
