import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp } from '@ppt/http';
import type { ApiServerEnv } from './api-server.env';
import { AppModule } from './app.module';

/** The PM API as main.ts runs it; tests boot the very same thing. */
export function createApiServerApp(env: ApiServerEnv): Promise<NestExpressApplication> {
  return createHttpApp(AppModule.register(env), env, {
    title: 'Property Management API',
    description:
      'Buildings, units, residents, leases, faults and the rest of the PM platform; identity provider.',
  });
}
