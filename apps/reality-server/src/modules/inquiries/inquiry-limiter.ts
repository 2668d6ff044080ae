import { Injectable, type OnModuleInit } from '@nestjs/common';
import { clientKey, createRateLimiter, RedisConnections, withinLimit, type LimitPolicy } from '@ppt/redis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';

/** Per hour: anonymous senders by IP (IPv6 by /64), signed-in visitors by account (they are known, so more). */
export const ANONYMOUS_INQUIRIES_PER_HOUR = 5;
export const VISITOR_INQUIRIES_PER_HOUR = 30;

const ANONYMOUS: LimitPolicy = { name: 'inquiries-ip', quota: ANONYMOUS_INQUIRIES_PER_HOUR, windowS: 3600 };
const VISITOR: LimitPolicy = { name: 'inquiries-account', quota: VISITOR_INQUIRIES_PER_HOUR, windowS: 3600 };

/** Keeps the inquiry form from being a spam cannon: 429 over the limit, 503 without Redis. */
@Injectable()
export class InquiryLimiter implements OnModuleInit {
  private anonymous!: RateLimiterRedis;
  private visitors!: RateLimiterRedis;

  constructor(private readonly redis: RedisConnections) {}

  onModuleInit(): void {
    this.anonymous = createRateLimiter(this.redis, 'inquiry:ip', ANONYMOUS.quota, ANONYMOUS.windowS);
    this.visitors = createRateLimiter(this.redis, 'inquiry:user', VISITOR.quota, VISITOR.windowS);
  }

  /** `ip` is the client address from clientIp (@ppt/http), which honours only TRUSTED_PROXIES. */
  consume(visitorUserId: string | undefined, ip: string | null): Promise<unknown> {
    const [limiter, key, policy] = visitorUserId
      ? [this.visitors, visitorUserId, VISITOR]
      : [this.anonymous, clientKey(ip), ANONYMOUS];
    return withinLimit('Sending an inquiry', policy, () => limiter.consume(key));
  }
}
