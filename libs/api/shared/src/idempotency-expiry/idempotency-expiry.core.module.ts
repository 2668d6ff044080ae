import { Module } from '@nestjs/common';
import { IdempotencyExpiry } from './idempotency-expiry';

/** Worker only: the daily expiry of Idempotency-Key answers (an @Scheduled job; no HTTP side). */
@Module({
  providers: [IdempotencyExpiry],
})
export class IdempotencyExpiryJobsModule {}
