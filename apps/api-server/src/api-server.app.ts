import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { createHttpApp } from '@ppt/http';
import type { ApiServerEnv } from './api-server.env';
import { AppModule } from './app.module';
import { API_SERVER_OPENAPI } from './api-server.openapi';

/** The PM API as main.ts runs it; tests boot the very same thing. */
export async function createApiServerApp(env: ApiServerEnv): Promise<NestExpressApplication> {
  const app = await createHttpApp(AppModule.register(env), env, API_SERVER_OPENAPI);
  // WebSockets at /ws on the same port (modules/realtime); frames are parsed by the hub, not by Nest.
  app.useWebSocketAdapter(new WsAdapter(app, { messageParser: () => undefined }));
  return app;
}
