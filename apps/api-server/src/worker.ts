import './instrument';
import { loadEnv } from '@ppt/config';
import { createWorkerApp, runMain, runUntilSignalled } from '@ppt/http';
import { WorkerModule } from './worker.module';
import { ApiServerEnv } from './api-server.env';

runMain('api-worker', async () => {
  const env = loadEnv(ApiServerEnv);
  const app = await createWorkerApp(WorkerModule.register(env));
  await runUntilSignalled(app, { port: env.API_WORKER_PORT, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
});
