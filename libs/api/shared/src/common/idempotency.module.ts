import { Module } from '@nestjs/common';
import { IdempotencyKeys } from './idempotency';

/** Idempotency-Key handling, declared once for every feature that offers it (finance, lead handling). */
@Module({ providers: [IdempotencyKeys], exports: [IdempotencyKeys] })
export class IdempotencyModule {}
