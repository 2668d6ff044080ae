import { Injectable, Logger } from '@nestjs/common';
import { IdempotencyKey, TenantTransactions } from '@ppt/db';

/** How long an Idempotency-Key answer is kept (migration 1795572000000's policy allows no less). */
export const IDEMPOTENCY_KEY_RETENTION_DAYS = 7;

/**
 * Deletes Idempotency-Key answers past the retention across organisations, through the
 * 'idempotency-keys-expire' scope of the jobs role (its policies show nothing younger).
 */
@Injectable()
export class IdempotencyExpiry {
  private readonly logger = new Logger(IdempotencyExpiry.name);

  constructor(private readonly tenant: TenantTransactions) {}

  async run(): Promise<{ deleted: number }> {
    const deleted = await this.tenant.runPlatform('idempotency-keys-expire', async (m) => {
      const res = await m
        .createQueryBuilder()
        .delete()
        .from(IdempotencyKey)
        .where(`created_at < now() - make_interval(days => :days)`, { days: IDEMPOTENCY_KEY_RETENTION_DAYS })
        .execute();
      return res.affected ?? 0;
    });
    this.logger.log(`Idempotency keys: ${deleted} older than ${IDEMPOTENCY_KEY_RETENTION_DAYS} days deleted`);
    return { deleted };
  }
}
