import { Module } from '@nestjs/common';
import { IdempotencyExpiry } from './idempotency-expiry';
import { IdempotencyExpiryProcessor } from './idempotency-expiry.processor';

/** Worker only: the daily expiry of Idempotency-Key answers (no HTTP side). */
@Module({
  providers: [IdempotencyExpiry, IdempotencyExpiryProcessor],
})
export class IdempotencyExpiryJobsModule {}
