import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp } from '@ppt/http';
import type { ApiServerEnv } from './api-server.env';
import { AppModule } from './app.module';
import { API_SERVER_OPENAPI } from './api-server.openapi';

/** The PM API as main.ts runs it; tests boot the very same thing. */
export function createApiServerApp(env: ApiServerEnv): Promise<NestExpressApplication> {
  return createHttpApp(AppModule.register(env), env, API_SERVER_OPENAPI);
}
