import './instrument';
import { loadEnv } from '@ppt/config';
import { runMain, runUntilSignalled } from '@ppt/http';
import { createApiServerApp } from './api-server.app';
import { ApiServerEnv } from './api-server.env';

runMain('api-server', async () => {
  const env = loadEnv(ApiServerEnv);
  const app = await createApiServerApp(env);
  await runUntilSignalled(app, { port: env.API_PORT, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
});
