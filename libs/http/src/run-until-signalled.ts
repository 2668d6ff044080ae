import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Server, ServerResponse } from 'node:http';

/**
 * Idle keep-alive connections stay open longer than the idle timeout of the proxies and load
 * balancers in front (60 s is the common default), so none of them reuses a connection this server
 * has just closed (Node's 5 s default makes that race routine: sporadic 502s, "socket hang up").
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface RunOptions {
  port: number;
  host?: string;
  /** After a signal, exit with code 1 if shutdown has not finished by then. */
  shutdownTimeoutMs: number;
}

/**
 * Listens and shuts down gracefully on SIGTERM/SIGINT: readiness turns 503 (terminus), requests
 * in flight finish while the listener closes, then queues, Redis and PostgreSQL close, and the
 * process exits 0. (Nest's own shutdown hooks re-raise the signal, which exits with 143.)
 */
export async function runUntilSignalled(app: INestApplication, options: RunOptions): Promise<void> {
  const logger = new Logger('Lifecycle');
  installSignalHandlers(app, options.shutdownTimeoutMs);
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000; // must outlast keepAliveTimeout
  await app.listen(options.port, options.host ?? '0.0.0.0');
  logger.log(`Listening on ${await app.getUrl()}`);
}

export function installSignalHandlers(app: INestApplication, shutdownTimeoutMs: number): void {
  const logger = new Logger('Lifecycle');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`);
    // From now on every response closes its connection: keep-alive clients and proxies reconnect
    // (elsewhere, once readiness fails) instead of holding a connection that never goes idle, which
    // the listener's close would wait on until the deadline.
    (app.getHttpServer() as Server).prependListener('request', (_req, res: ServerResponse) =>
      res.setHeader('Connection', 'close'),
    );
    const deadline = setTimeout(() => {
      logger.error(`Shutdown did not finish within ${shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, shutdownTimeoutMs);
    deadline.unref();
    // close(signal) passes the signal to the shutdown hooks (terminus drains only on SIGTERM).
    (app.close as (signal?: string) => Promise<void>).call(app, signal).then(
      () => {
        logger.log('Shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * Runs a process entry point. A start-up failure prints one readable message (the whole list for a
 * configuration error, whose class names itself `ConfigValidationError`) and exits 1.
 */
export function runMain(processName: string, start: () => Promise<void>): void {
  start().catch((err: unknown) => {
    const error = err as Error;
    const detail = error?.name === 'ConfigValidationError' ? error.message : (error?.stack ?? String(err));
    process.stderr.write(`${processName} failed to start: ${detail}\n`);
    process.exit(1);
  });
}
