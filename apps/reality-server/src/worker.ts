import './instrument';
import { loadEnv } from '@ppt/config';
import { createWorkerApp, runMain, runUntilSignalled } from '@ppt/http';
import { WorkerModule } from './worker.module';
import { RealityServerEnv } from './reality-server.env';

runMain('reality-worker', async () => {
  const env = loadEnv(RealityServerEnv);
  const app = await createWorkerApp(WorkerModule.register(env));
  await runUntilSignalled(app, { port: env.REALITY_WORKER_PORT, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
});
