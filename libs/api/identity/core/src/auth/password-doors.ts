import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AppError } from '@ppt/observability';
import {
  clientKey,
  createRateLimiter,
  FailureLockout,
  limitUnavailable,
  rateLimited,
  RedisConnections,
  type LimitPolicy,
} from '@ppt/redis';
import { createHash } from 'node:crypto';
import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';
import { IdentityEnv } from '../identity.env';

/**
 * Every place where a secret (password, client secret, single-use token) is checked or a password is
 * hashed. Each door has its own counters, so a burst at one does not lock people out of another.
 */
export const PasswordDoor = {
  SignIn: 'sign-in',
  Register: 'register',
  PasswordForgot: 'password-forgot',
  PasswordReset: 'password-reset',
  PasswordChange: 'password-change',
  Invitation: 'invitation',
  OAuthToken: 'oauth-token',
  OperatorSignIn: 'operator-sign-in',
  TokenRevocation: 'token-revocation',
} as const;
export type PasswordDoor = (typeof PasswordDoor)[keyof typeof PasswordDoor];

const WHAT: Record<PasswordDoor, string> = {
  'sign-in': 'Sign-in',
  register: 'Registration',
  'password-forgot': 'Password reset',
  'password-reset': 'Password reset',
  'password-change': 'Changing the password',
  invitation: 'Accepting an invitation',
  'oauth-token': 'Token request',
  'operator-sign-in': 'Operator sign-in',
  'token-revocation': 'Token revocation',
};

/** Per-door keys are hashed: the limiter's Redis keys never hold an e-mail address or client id. */
const accountKey = (account: string) =>
  createHash('sha256').update(account.trim().toLowerCase()).digest('hex').slice(0, 32);

/**
 * Brute-force and volume limits of the password doors, in Redis:
 * - every attempt counts against the client IP's budget per door (AUTH_MAX_ATTEMPTS_PER_IP per window);
 * - failures lock out the (account, IP) pair after AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT of them, and the
 *   IP after AUTH_MAX_FAILED_ATTEMPTS_PER_IP (credential stuffing over many accounts), each lock-out
 *   twice the last (from AUTH_LOCKOUT_FIRST_S up to AUTH_LIMIT_WINDOW_S); a success clears the pair;
 * - reset e-mails are also counted per account (AUTH_MAX_PASSWORD_RESETS_PER_ACCOUNT, resetMailAllowed),
 *   so nobody's mailbox can be flooded from many addresses; past it nothing is sent, nothing refused.
 * The lock is per (account, IP), not per account, so an attacker cannot lock a victim out from elsewhere.
 * Refusals: 429 RATE_LIMITED with Retry-After and RateLimit headers; Redis down → 503, never unlimited.
 * `ip` is always clientIp() (@ppt/http), which honours X-Forwarded-For only from TRUSTED_PROXIES.
 */
@Injectable()
export class PasswordDoors implements OnModuleInit {
  private readonly attemptsPerIp = new Map<PasswordDoor, RateLimiterRedis>();
  private resetRequests!: RateLimiterRedis;
  private pairs!: FailureLockout;
  private addresses!: FailureLockout;

  constructor(
    @Inject(IdentityEnv) private readonly env: IdentityEnv,
    private readonly redis: RedisConnections,
  ) {}

  onModuleInit(): void {
    const window = this.env.AUTH_LIMIT_WINDOW_S;
    for (const door of Object.values(PasswordDoor))
      this.attemptsPerIp.set(
        door,
        createRateLimiter(this.redis, `door:${door}:ip`, this.env.AUTH_MAX_ATTEMPTS_PER_IP, window),
      );
    this.resetRequests = createRateLimiter(
      this.redis,
      'door:password-forgot:account',
      this.env.AUTH_MAX_PASSWORD_RESETS_PER_ACCOUNT,
      window,
    );
    const lockouts = {
      firstLockMs: this.env.AUTH_LOCKOUT_FIRST_S * 1000,
      longestLockMs: window * 1000,
      memoryMs: window * 1000,
    };
    this.pairs = new FailureLockout(this.redis, 'door-failures:pair', {
      ...lockouts,
      failuresBeforeLock: this.env.AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT,
    });
    this.addresses = new FailureLockout(this.redis, 'door-failures:ip', {
      ...lockouts,
      failuresBeforeLock: this.env.AUTH_MAX_FAILED_ATTEMPTS_PER_IP,
    });
  }

  /**
   * Before any secret is checked or hashed: refuses a locked (account, IP) pair or IP, then counts
   * the attempt against the IP's budget. `account` is the e-mail, client id or user id the attempt is
   * for; null where the secret is a token that names no account until it is found.
   */
  async check(door: PasswordDoor, account: string | null, ip: string | null): Promise<void> {
    await this.guarded(door, async () => {
      const [pairLockMs, addressLockMs] = await Promise.all([
        account === null ? 0 : this.pairs.lockedForMs(this.pairSubject(door, account, ip)),
        this.addresses.lockedForMs(this.addressSubject(door, ip)),
      ]);
      if (pairLockMs > 0 || addressLockMs > 0)
        throw rateLimited(
          WHAT[door],
          Math.max(pairLockMs, addressLockMs),
          this.lockoutPolicy(door, pairLockMs >= addressLockMs),
        );
      await this.consume(
        door,
        this.attemptsPerIp.get(door) as RateLimiterRedis,
        clientKey(ip),
        this.ipPolicy(door),
      );
    });
  }

  /**
   * Whether another password-reset e-mail may go to `account` in this window
   * (AUTH_MAX_PASSWORD_RESETS_PER_ACCOUNT). Past it the request is still answered 202 and simply sends
   * nothing: a refusal keyed only by the address would let anyone keep its owner from resetting (the
   * owner's way to evict a squatter), and would differ for known and unknown addresses.
   */
  async resetMailAllowed(account: string): Promise<boolean> {
    let allowed = true;
    await this.guarded(PasswordDoor.PasswordForgot, async () => {
      try {
        await this.resetRequests.consume(accountKey(account));
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        allowed = false;
      }
    });
    return allowed;
  }

  /** The secret was wrong (or named nothing): counts against the pair and the IP. */
  async failed(door: PasswordDoor, account: string | null, ip: string | null): Promise<void> {
    await this.guarded(door, async () => {
      await this.addresses.failed(this.addressSubject(door, ip));
      if (account !== null) await this.pairs.failed(this.pairSubject(door, account, ip));
    });
  }

  /** The secret was right: the pair's failures are forgotten (the IP's are not: one good account must
   * not launder an IP's guesses at others). */
  async succeeded(door: PasswordDoor, account: string | null, ip: string | null): Promise<void> {
    if (account === null) return;
    await this.guarded(door, () => this.pairs.clear(this.pairSubject(door, account, ip)));
  }

  private pairSubject(door: PasswordDoor, account: string, ip: string | null): string {
    return `${door}:${accountKey(account)}:${clientKey(ip)}`;
  }

  private addressSubject(door: PasswordDoor, ip: string | null): string {
    return `${door}:${clientKey(ip)}`;
  }

  private ipPolicy(door: PasswordDoor): LimitPolicy {
    return {
      name: `${door}-ip`,
      quota: this.env.AUTH_MAX_ATTEMPTS_PER_IP,
      windowS: this.env.AUTH_LIMIT_WINDOW_S,
    };
  }

  private lockoutPolicy(door: PasswordDoor, pair: boolean): LimitPolicy {
    return pair
      ? {
          name: `${door}-account-failures`,
          quota: this.env.AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT,
          windowS: this.env.AUTH_LIMIT_WINDOW_S,
        }
      : {
          name: `${door}-ip-failures`,
          quota: this.env.AUTH_MAX_FAILED_ATTEMPTS_PER_IP,
          windowS: this.env.AUTH_LIMIT_WINDOW_S,
        };
  }

  private async consume(door: PasswordDoor, limiter: RateLimiterRedis, key: string, policy: LimitPolicy) {
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw rateLimited(WHAT[door], err.msBeforeNext, policy);
      throw err;
    }
  }

  /** Our own refusals pass; anything else (Redis unreachable) is a 503: the door stays shut. */
  private async guarded(door: PasswordDoor, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw limitUnavailable(WHAT[door]);
    }
  }
}
