import type { Logger } from '@nestjs/common';
import { serviceUnavailable } from '@ppt/observability';

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 100;

/**
 * Runs a Redis MULTI whose effect other processes rely on (a revocation, a disabled client), trying
 * again briefly when Redis refuses it; then gives up with 503, so the caller's PostgreSQL transaction
 * rolls back and the change is never reported done while the others could not hear of it.
 */
export async function writeOrUnavailable(
  what: string,
  logger: Logger,
  write: () => Promise<[Error | null, unknown][] | null>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const results = await write();
      const failed = results === null ? new Error('transaction aborted') : results.find(([e]) => e)?.[0];
      if (!failed) return;
      throw failed;
    } catch (err) {
      if (attempt >= ATTEMPTS) {
        logger.error(`Could not record a ${what} in Redis: ${(err as Error).message}`);
        throw serviceUnavailable(`The ${what} could not be recorded right now; try again shortly`);
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
    }
  }
}
