import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppError, CommonErrorCode } from '@ppt/observability';
import { RedisConnections } from '@ppt/redis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** Per hour: anonymous senders by IP, signed-in visitors by account (they are known, so more). */
export const ANONYMOUS_INQUIRIES_PER_HOUR = 5;
export const VISITOR_INQUIRIES_PER_HOUR = 30;

/**
 * Keeps the inquiry form from being a spam cannon (rate-limiter-flexible in Redis). Over the limit →
 * 429 with Retry-After; without Redis the limit cannot be checked, so the form fails closed with 503.
 */
@Injectable()
export class InquiryLimiter implements OnModuleInit {
  private anonymous!: RateLimiterRedis;
  private visitors!: RateLimiterRedis;

  constructor(private readonly redis: RedisConnections) {}

  onModuleInit(): void {
    const storeClient = this.redis.get('rate-limit', { raw: true, maxRetriesPerRequest: 1 });
    const prefix = `${this.redis.keyPrefix}rl:inquiry`;
    this.anonymous = new RateLimiterRedis({
      storeClient,
      keyPrefix: `${prefix}:ip`,
      points: ANONYMOUS_INQUIRIES_PER_HOUR,
      duration: 3600,
    });
    this.visitors = new RateLimiterRedis({
      storeClient,
      keyPrefix: `${prefix}:user`,
      points: VISITOR_INQUIRIES_PER_HOUR,
      duration: 3600,
    });
  }

  async consume(visitorUserId: string | undefined, ip: string | undefined): Promise<void> {
    const [limiter, key] = visitorUserId ? [this.visitors, visitorUserId] : [this.anonymous, ip ?? 'unknown'];
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        throw new AppError(
          CommonErrorCode.TooManyRequests,
          429,
          `Too many inquiries; try again in ${seconds} s`,
          undefined,
          { 'Retry-After': String(seconds) },
        );
      }
      throw new AppError(
        CommonErrorCode.ServiceUnavailable,
        503,
        'Inquiries are temporarily unavailable; try again shortly',
        undefined,
        { 'Retry-After': '5' },
      );
    }
  }
}
