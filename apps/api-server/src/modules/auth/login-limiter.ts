import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { clientKey, createRateLimiter, RedisConnections, tooMany, withinLimit } from '@ppt/redis';
import { createHash } from 'node:crypto';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { ApiServerEnv } from '../../api-server.env';

const SIGN_IN = 'Sign-in';

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
    const window = this.env.AUTH_LIMIT_WINDOW_S;
    this.perIp = createRateLimiter(this.redis, 'ip', this.env.AUTH_MAX_ATTEMPTS_PER_IP, window);
    this.failedLogins = createRateLimiter(
      this.redis,
      'login',
      this.env.AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT,
      window,
    );
    this.resets = createRateLimiter(
      this.redis,
      'reset',
      this.env.AUTH_MAX_PASSWORD_RESETS_PER_ACCOUNT,
      window,
    );
  }

  /** Before checking a password: counts the attempt for the IP, refuses an account locked by failures. */
  async beforeLogin(email: string, ip: string | null): Promise<void> {
    await withinLimit(SIGN_IN, () => this.perIp.consume(clientKey(ip)));
    const account = await withinLimit(SIGN_IN, () => this.failedLogins.get(accountKey(email)));
    if (account && account.remainingPoints <= 0) throw tooMany(SIGN_IN, account.msBeforeNext);
  }

  async loginFailed(email: string): Promise<void> {
    await withinLimit(SIGN_IN, () => this.failedLogins.penalty(accountKey(email), 1));
  }

  async loginSucceeded(email: string): Promise<void> {
    await withinLimit(SIGN_IN, () => this.failedLogins.delete(accountKey(email)));
  }

  async beforePasswordReset(email: string, ip: string | null): Promise<void> {
    await withinLimit(SIGN_IN, () => this.perIp.consume(clientKey(ip)));
    await withinLimit(SIGN_IN, () => this.resets.consume(accountKey(email)));
  }
}
