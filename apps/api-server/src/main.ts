import './instrument';
import { ConfigValidationError, loadEnv } from '@ppt/config';
import { runUntilSignalled } from '@ppt/http';
import { ApiServerEnv } from './api-server.env';
import { createApiServerApp } from './api-server.app';

async function main(): Promise<void> {
  const env = loadEnv(ApiServerEnv);
  const app = await createApiServerApp(env);
  await runUntilSignalled(app, { port: env.API_PORT, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
}

main().catch((err: unknown) => {
  // Config errors get one readable message; anything else its stack (the logger may not exist yet).
  const detail = err instanceof ConfigValidationError ? err.message : (err as Error).stack;
  process.stderr.write(`api-server failed to start: ${detail}\n`);
  process.exit(1);
});
