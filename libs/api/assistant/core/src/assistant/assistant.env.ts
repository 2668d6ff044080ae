import { IsIn, IsNumber, IsOptional, IsString, IsUrl, Max, Min, ValidateIf } from 'class-validator';
import { Transform } from 'class-transformer';
import { IsIntInRange } from '@ppt/config';

// Mixins must accept any constructor arguments (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvBase = new (...args: any[]) => object;

/** The assistant's variables, composed into ApiServerEnv. */
export function withAssistantEnv<TBase extends EnvBase>(Base: TBase) {
  class WithAssistantEnv extends Base {
    /**
     * The platform default provider, used by organisations without their own settings (unset: such
     * organisations have no assistant until an admin configures one). `openai` covers any
     * OpenAI-compatible server (Ollama, vLLM) through ASSISTANT_DEFAULT_BASE_URL.
     */
    @IsOptional()
    @IsIn(['openai', 'anthropic'])
    ASSISTANT_DEFAULT_PROVIDER?: 'openai' | 'anthropic';

    @ValidateIf((env: WithAssistantEnv) => env.ASSISTANT_DEFAULT_PROVIDER !== undefined)
    @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
    ASSISTANT_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

    @IsString()
    ASSISTANT_DEFAULT_MODEL = 'gpt-4o-mini';

    @ValidateIf((env: WithAssistantEnv) => env.ASSISTANT_DEFAULT_PROVIDER !== undefined)
    @IsString()
    ASSISTANT_DEFAULT_API_KEY?: string;

    @Transform(({ value }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value))
    @IsNumber()
    @Min(0)
    @Max(2)
    ASSISTANT_DEFAULT_TEMPERATURE = 0.2;

    @IsIntInRange(16, 32_000)
    ASSISTANT_DEFAULT_MAX_TOKENS = 1024;

    /** The platform default's monthly token budget per organisation (an organisation's own key: its own budget). */
    @IsIntInRange(1, 1_000_000_000_000)
    ASSISTANT_DEFAULT_MONTHLY_TOKENS = 2_000_000;

    /** The platform default's requests per minute per organisation. */
    @IsIntInRange(1, 100_000)
    ASSISTANT_DEFAULT_REQUESTS_PER_MINUTE = 30;

    /** Each user's requests per minute to the assistant (chat and drafts), whichever key it uses. */
    @IsIntInRange(1, 100_000)
    ASSISTANT_USER_REQUESTS_PER_MINUTE = 20;

    /** Deadline of one provider attempt until its answer (or a stream's first token) arrives. */
    @IsIntInRange(100, 600_000)
    ASSISTANT_TIMEOUT_MS = 30_000;

    /** Longest pause between two streamed tokens before the answer is given up (504). */
    @IsIntInRange(100, 600_000)
    ASSISTANT_IDLE_TIMEOUT_MS = 30_000;

    /** Tries per provider call (retries on 429, 5xx, lost connections), with exponential backoff. */
    @IsIntInRange(1, 10)
    ASSISTANT_ATTEMPTS = 3;

    @IsIntInRange(1, 60_000)
    ASSISTANT_BACKOFF_MS = 500;

    /** Consecutive failed attempts that open a provider's circuit breaker (503 AI_PROVIDER_UNAVAILABLE). */
    @IsIntInRange(1, 100)
    ASSISTANT_BREAKER_FAILURES = 5;

    @IsIntInRange(1000, 3_600_000)
    ASSISTANT_BREAKER_HALF_OPEN_MS = 30_000;

    /** A user message over this many tokens (estimated) is refused with 413. */
    @IsIntInRange(16, 100_000)
    ASSISTANT_MAX_MESSAGE_TOKENS = 2000;

    /** History sent with each question; older messages are folded into the running summary. */
    @IsIntInRange(64, 200_000)
    ASSISTANT_HISTORY_TOKENS = 3000;
  }
  return WithAssistantEnv;
}


/**
 * What the assistant reads from the environment: its own variables, plus the secret box keys and the
 * outbound allow-list, which are validated where they are defined (syndication's slice) and shared.
 */
export class AssistantEnv extends withAssistantEnv(class {}) {
  declare readonly SECRETS_ENCRYPTION_KEYS?: string;
  declare readonly OUTBOUND_ALLOWED_CIDRS: string;
}
