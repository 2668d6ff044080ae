import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp } from '@ppt/http';
import { AppModule } from './app.module';
import { REALITY_SERVER_OPENAPI } from './reality-server.openapi';
import type { RealityServerEnv } from './reality-server.env';

/** The Reality Portal API as main.ts runs it; tests boot the very same thing. */
export function createRealityServerApp(env: RealityServerEnv): Promise<NestExpressApplication> {
  return createHttpApp(AppModule.register(env), env, REALITY_SERVER_OPENAPI);
}
