import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { createHttpApp } from '@ppt/http';
import { AppModule } from './app.module';
import { REALITY_SERVER_OPENAPI } from './reality-server.openapi';
import type { RealityServerEnv } from './reality-server.env';

/** The Reality Portal API as main.ts runs it; tests boot the very same thing. */
export async function createRealityServerApp(env: RealityServerEnv): Promise<NestExpressApplication> {
  const app = await createHttpApp(AppModule.register(env), env, REALITY_SERVER_OPENAPI);
  // Signed-in visitors' WebSockets at /ws on the same port (modules/realtime); the hub parses frames.
  app.useWebSocketAdapter(new WsAdapter(app, { messageParser: () => undefined }));
  return app;
}
