import { OutboundError, outboundErrorIn } from '@ppt/outbound';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { LlmError, LlmErrorCode } from './llm.errors';

export interface GuardSettings {
  /** Tries per call, the first included (retries only on 429, 5xx and lost connections). */
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Deadline of one attempt until the answer (or a stream's first chunk) arrives. */
  timeoutMs: number;
  /** Longest pause between two chunks of a stream. */
  idleTimeoutMs: number;
  /** Consecutive failed attempts that open a provider's breaker. */
  breakerFailures: number;
  /** How long an open breaker refuses calls before it lets one through to test the provider. */
  halfOpenAfterMs: number;
}

/** Thrown inside an attempt when its own deadline passed (told apart from the caller's abort). */
class AttemptTimeout extends Error {
  constructor() {
    super('attempt deadline passed');
  }
}

/** The caller went away (closed the stream): not the provider's failure. */
export class LlmCallAborted extends Error {
  constructor() {
    super('The call was aborted by its caller');
    this.name = 'LlmCallAborted';
  }
}

/** The HTTP status a provider SDK error carries (OpenAI's and Anthropic's APIError), through causes. */
export function providerStatusOf(err: unknown): number | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const status = (e as { status?: unknown }).status;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

function isRetryable(err: unknown): boolean {
  if (err instanceof BrokenCircuitError || err instanceof AttemptTimeout || outboundErrorIn(err))
    return false;
  const status = providerStatusOf(err);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  // No status: the connection failed or was reset before an answer (the SDKs' APIConnectionError).
  return /connection|ECONNRE|socket|fetch failed|terminated/i.test(
    `${(err as Error)?.name} ${(err as Error)?.message}`,
  );
}

/**
 * What counts against a provider's breaker: its own failures, not our refusals or bad requests. The
 * breaker is shared by every organisation calling the endpoint, so an answer about the caller's own
 * key or account (401, 403, 429: its quota) never counts: one organisation's exhausted or wrong key
 * must not open the breaker for everybody else (429 is still retried with backoff).
 */
function isProviderFailure(err: unknown): boolean {
  if (err instanceof AttemptTimeout) return true;
  if (outboundErrorIn(err)) return false;
  const status = providerStatusOf(err);
  if (status !== undefined) return status === 408 || status >= 500;
  return true;
}

/**
 * Retries with exponential backoff, per-attempt deadlines and one circuit breaker per provider
 * endpoint (cockatiel), shared by every call this process makes to that endpoint. Errors leave as
 * LlmError (503; AI_PROVIDER_UNAVAILABLE while the breaker is open) or LlmCallAborted.
 */
export class ProviderGuard {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(readonly settings: GuardSettings) {}

  /** A whole call (an answer that is not streamed). */
  async call<T>(key: string, work: (signal: AbortSignal) => Promise<T>, caller?: AbortSignal): Promise<T> {
    return this.execute(key, caller, async (signal, opened) => {
      const value = await work(signal);
      opened();
      return value;
    });
  }

  /**
   * Opens a stream and yields its chunks. Opening (until the first chunk) is retried and guarded
   * like a call; after it, a pause longer than idleTimeoutMs ends it (AI_PROVIDER_TIMEOUT), and the
   * caller's signal aborts the provider request (the connection is closed).
   */
  async openStream<C>(
    key: string,
    start: (signal: AbortSignal) => Promise<AsyncIterable<C>>,
    caller?: AbortSignal,
  ): Promise<AsyncGenerator<C>> {
    const { iterator, first, controller } = await this.execute(key, caller, async (signal, opened) => {
      const controller = new AbortController();
      const forward = () => controller.abort(signal.reason);
      signal.addEventListener('abort', forward);
      try {
        const iterator = (await start(controller.signal))[Symbol.asyncIterator]();
        const first = await iterator.next();
        opened();
        return { iterator, first, controller };
      } catch (err) {
        controller.abort();
        throw err;
      } finally {
        signal.removeEventListener('abort', forward);
      }
    });
    return this.rest(iterator, first, controller, caller);
  }

  private async *rest<C>(
    iterator: AsyncIterator<C>,
    first: IteratorResult<C>,
    controller: AbortController,
    caller?: AbortSignal,
  ): AsyncGenerator<C> {
    const stop = () => controller.abort(new LlmCallAborted());
    caller?.addEventListener('abort', stop);
    try {
      let next = first;
      while (!next.done) {
        yield next.value;
        let timer: NodeJS.Timeout | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new AttemptTimeout()), this.settings.idleTimeoutMs);
        });
        try {
          next = await Promise.race([iterator.next(), idle]);
        } finally {
          clearTimeout(timer);
        }
      }
    } catch (err) {
      controller.abort();
      throw this.translate(err, caller);
    } finally {
      caller?.removeEventListener('abort', stop);
      if (!controller.signal.aborted) controller.abort();
    }
  }

  private async execute<T>(
    key: string,
    caller: AbortSignal | undefined,
    work: (signal: AbortSignal, opened: () => void) => Promise<T>,
  ): Promise<T> {
    if (caller?.aborted) throw new LlmCallAborted();
    const policy = wrap(
      retry(handleWhen(isRetryable), {
        maxAttempts: Math.max(0, this.settings.attempts - 1),
        backoff: new ExponentialBackoff({
          initialDelay: this.settings.initialBackoffMs,
          maxDelay: this.settings.maxBackoffMs,
        }),
      }),
      this.breakerFor(key),
    );
    try {
      return await policy.execute(({ signal }) => this.attempt(signal, work), caller);
    } catch (err) {
      throw this.translate(err, caller);
    }
  }

  /** One try with its own deadline, until `opened` is called (a stream's first chunk, or the answer). */
  private async attempt<T>(
    outer: AbortSignal,
    work: (signal: AbortSignal, opened: () => void) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const forward = () => controller.abort(outer.reason);
    outer.addEventListener('abort', forward);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new AttemptTimeout());
    }, this.settings.timeoutMs);
    try {
      return await work(controller.signal, () => clearTimeout(timer));
    } catch (err) {
      if (timedOut) throw new AttemptTimeout();
      throw err;
    } finally {
      clearTimeout(timer);
      outer.removeEventListener('abort', forward);
    }
  }

  private breakerFor(key: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = circuitBreaker(handleWhen(isProviderFailure), {
        halfOpenAfter: this.settings.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.settings.breakerFailures),
      });
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  private translate(err: unknown, caller?: AbortSignal): Error {
    if (err instanceof LlmError || err instanceof LlmCallAborted) return err;
    if (caller?.aborted) return new LlmCallAborted();
    if (err instanceof BrokenCircuitError)
      return new LlmError(
        LlmErrorCode.ProviderUnavailable,
        'The AI provider is failing and is not being called for a while; try again later',
        Math.max(1, Math.ceil(this.settings.halfOpenAfterMs / 1000)),
      );
    if (err instanceof AttemptTimeout)
      return new LlmError(LlmErrorCode.ProviderTimeout, 'The AI provider did not answer in time');
    const refused: OutboundError | undefined = outboundErrorIn(err);
    if (refused)
      return new LlmError(LlmErrorCode.ProviderRejected, `The AI provider's address: ${refused.message}`);
    const status = providerStatusOf(err);
    if (status !== undefined && status < 500 && status !== 408 && status !== 429)
      return new LlmError(
        LlmErrorCode.ProviderRejected,
        `The AI provider refused the request (HTTP ${status})`,
        5,
        status,
      );
    return new LlmError(
      LlmErrorCode.ProviderFailed,
      status !== undefined
        ? `The AI provider failed (HTTP ${status}) after ${this.settings.attempts} attempts`
        : 'The AI provider failed or sent an answer that is not its protocol',
    );
  }
}
