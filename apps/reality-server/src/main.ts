import './instrument';
import { loadEnv } from '@ppt/config';
import { runMain, runUntilSignalled } from '@ppt/http';
import { createRealityServerApp } from './reality-server.app';
import { RealityServerEnv } from './reality-server.env';

runMain('reality-server', async () => {
  const env = loadEnv(RealityServerEnv);
  const app = await createRealityServerApp(env);
  await runUntilSignalled(app, { port: env.REALITY_PORT, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
});
