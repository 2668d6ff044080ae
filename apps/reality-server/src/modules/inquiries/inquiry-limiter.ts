import { Injectable, type OnModuleInit } from '@nestjs/common';
import { clientKey, createRateLimiter, RedisConnections, withinLimit } from '@ppt/redis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';

/** Per hour: anonymous senders by IP (IPv6 by /64), signed-in visitors by account (they are known, so more). */
export const ANONYMOUS_INQUIRIES_PER_HOUR = 5;
export const VISITOR_INQUIRIES_PER_HOUR = 30;

/** Keeps the inquiry form from being a spam cannon: 429 over the limit, 503 without Redis. */
@Injectable()
export class InquiryLimiter implements OnModuleInit {
  private anonymous!: RateLimiterRedis;
  private visitors!: RateLimiterRedis;

  constructor(private readonly redis: RedisConnections) {}

  onModuleInit(): void {
    this.anonymous = createRateLimiter(this.redis, 'inquiry:ip', ANONYMOUS_INQUIRIES_PER_HOUR, 3600);
    this.visitors = createRateLimiter(this.redis, 'inquiry:user', VISITOR_INQUIRIES_PER_HOUR, 3600);
  }

  consume(visitorUserId: string | undefined, ip: string | undefined): Promise<unknown> {
    const [limiter, key] = visitorUserId ? [this.visitors, visitorUserId] : [this.anonymous, clientKey(ip)];
    return withinLimit('Sending an inquiry', () => limiter.consume(key));
  }
}
