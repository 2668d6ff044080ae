import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp } from '@ppt/http';
import { AppModule } from './app.module';
import type { RealityServerEnv } from './reality-server.env';

/** The Reality Portal API as main.ts runs it; tests boot the very same thing. */
export function createRealityServerApp(env: RealityServerEnv): Promise<NestExpressApplication> {
  return createHttpApp(AppModule.register(env), env, {
    title: 'Reality Portal API',
    description:
      'Public listing search, favourites, saved searches and inquiries; PM accounts sign in through SSO.',
  });
}
