import { Injectable, Logger } from '@nestjs/common';
import { IdempotencyKey } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { MaintenanceJob, Scheduled } from '@ppt/queue';

/** Every day at 02:50 UTC, with the other daily housekeeping. */
export const IDEMPOTENCY_KEYS_EXPIRE_CRON = '50 2 * * *';

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

  @Scheduled({
    job: MaintenanceJob.IdempotencyKeysExpire,
    cron: IDEMPOTENCY_KEYS_EXPIRE_CRON,
    scope: 'idempotency-keys-expire',
  })
  async run(): Promise<{ deleted: number }> {
    const deleted = await this.tenant.runPlatformJob(async (m) => {
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
