import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RawEnv } from '@ppt/config';
import { bootTestApp, type BootedApp } from '@ppt/testing';
import { createRealityServerApp } from '../src/reality-server.app';
import { RealityServerEnv } from '../src/reality-server.env';

export type BootedRealityServer = BootedApp<NestExpressApplication, RealityServerEnv>;

/** The real reality-server on its own cloned database and Redis key prefix. */
export function bootRealityServer(overrides: RawEnv = {}): Promise<BootedRealityServer> {
  return bootTestApp(RealityServerEnv, createRealityServerApp, overrides);
}
