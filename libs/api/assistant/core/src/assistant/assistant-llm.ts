import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { LlmClient, ProviderGuard } from '@ppt/llm';
import { GuardedHttp } from '@ppt/outbound';
import { AssistantEnv } from './assistant.env';

/**
 * The process's one LLM client: every provider call goes through the guarded agent (address policy:
 * no private addresses unless OUTBOUND_ALLOWED_CIDRS lists them, no redirects) and one ProviderGuard,
 * so each provider endpoint has a single circuit breaker for all organisations using it.
 */
@Injectable()
export class AssistantLlm implements OnModuleDestroy {
  readonly http: GuardedHttp;
  readonly client: LlmClient;

  constructor(@Inject(AssistantEnv) env: AssistantEnv) {
    this.http = new GuardedHttp({
      allowedCidrs: env.OUTBOUND_ALLOWED_CIDRS,
      // The agent's own header and body deadlines stay behind the guard's, which say 504 first.
      timeoutMs: Math.max(env.ASSISTANT_TIMEOUT_MS, env.ASSISTANT_IDLE_TIMEOUT_MS) + 5000,
    });
    this.client = new LlmClient(
      new ProviderGuard({
        attempts: env.ASSISTANT_ATTEMPTS,
        initialBackoffMs: env.ASSISTANT_BACKOFF_MS,
        maxBackoffMs: env.ASSISTANT_BACKOFF_MS * 16,
        timeoutMs: env.ASSISTANT_TIMEOUT_MS,
        idleTimeoutMs: env.ASSISTANT_IDLE_TIMEOUT_MS,
        breakerFailures: env.ASSISTANT_BREAKER_FAILURES,
        halfOpenAfterMs: env.ASSISTANT_BREAKER_HALF_OPEN_MS,
      }),
      this.http.fetch,
    );
  }

  onModuleDestroy(): Promise<void> {
    return this.http.close();
  }
}
