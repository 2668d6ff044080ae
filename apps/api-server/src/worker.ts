import './instrument';
import { ConfigValidationError, loadEnv } from '@ppt/config';
import { createWorkerApp, runUntilSignalled } from '@ppt/http';
import { ApiServerEnv } from './api-server.env';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const env = loadEnv(ApiServerEnv);
  const app = await createWorkerApp(WorkerModule.register(env));
  await runUntilSignalled(app, { port: env.API_WORKER_PORT, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
}

main().catch((err: unknown) => {
  process.stderr.write(`api-worker failed to start: ${err instanceof ConfigValidationError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
