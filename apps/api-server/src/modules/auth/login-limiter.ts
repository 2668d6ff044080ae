import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AppError, CommonErrorCode } from '@ppt/observability';
import { RedisConnections } from '@ppt/redis';
import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiServerEnv } from '../../api-server.env';

/** Per-account keys are hashed: the limiter's Redis keys never hold an e-mail address. */
const accountKey = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);

/**
 * Brute-force protection in Redis (rate-limiter-flexible): attempts per IP, failed logins per
 * account, password-reset requests per account. Over the limit → 429 with Retry-After.
 */
@Injectable()
export class LoginLimiter implements OnModuleInit {
  private perIp!: RateLimiterRedis;
  private failedLogins!: RateLimiterRedis;
  private resets!: RateLimiterRedis;

  constructor(
    @Inject(ApiServerEnv) private readonly env: ApiServerEnv,
    private readonly redis: RedisConnections,
  ) {}

  onModuleInit(): void {
    // One retry at most: during an outage the request fails fast with 503 instead of waiting.
    const storeClient = this.redis.get('rate-limit', { raw: true, maxRetriesPerRequest: 1 });
    const prefix = `${this.redis.keyPrefix}rl`;
    const duration = this.env.AUTH_LIMIT_WINDOW_S;
    this.perIp = new RateLimiterRedis({
      storeClient,
      keyPrefix: `${prefix}:ip`,
      points: this.env.AUTH_MAX_ATTEMPTS_PER_IP,
      duration,
    });
    this.failedLogins = new RateLimiterRedis({
      storeClient,
      keyPrefix: `${prefix}:login`,
      points: this.env.AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT,
      duration,
    });
    this.resets = new RateLimiterRedis({
      storeClient,
      keyPrefix: `${prefix}:reset`,
      points: this.env.AUTH_MAX_PASSWORD_RESETS_PER_ACCOUNT,
      duration,
    });
  }

  /** Before checking a password: counts the attempt for the IP, refuses an account locked by failures. */
  async beforeLogin(email: string, ip: string | null): Promise<void> {
    await this.consume(this.perIp, ip ?? 'unknown');
    const account = await guarded(() => this.failedLogins.get(accountKey(email)));
    if (account && account.remainingPoints <= 0) throw tooMany(account.msBeforeNext);
  }

  async loginFailed(email: string): Promise<void> {
    await guarded(() => this.failedLogins.penalty(accountKey(email), 1));
  }

  async loginSucceeded(email: string): Promise<void> {
    await guarded(() => this.failedLogins.delete(accountKey(email)));
  }

  async beforePasswordReset(email: string, ip: string | null): Promise<void> {
    await this.consume(this.perIp, ip ?? 'unknown');
    await this.consume(this.resets, accountKey(email));
  }

  private async consume(limiter: RateLimiterRedis, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw tooMany(err.msBeforeNext);
      throw unavailable();
    }
  }
}

/**
 * Without Redis the limits cannot be checked; sign-in and resets then fail closed with 503 (never
 * unlimited attempts, never a 500).
 */
async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch {
    throw unavailable();
  }
}

function unavailable(): AppError {
  return new AppError(
    CommonErrorCode.ServiceUnavailable,
    503,
    'Sign-in is temporarily unavailable; try again shortly',
    undefined,
    {
      'Retry-After': '5',
    },
  );
}

function tooMany(msBeforeNext: number): AppError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError(
    CommonErrorCode.TooManyRequests,
    429,
    `Too many attempts; try again in ${seconds} s`,
    undefined,
    {
      'Retry-After': String(seconds),
    },
  );
}
