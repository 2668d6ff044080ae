import { Injectable, Logger } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { Lease, LeaseEndingNotice, LeaseLifecycleRun } from '@ppt/api-db';
import { processCounter } from '@ppt/observability';
import { systemActor, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { LeasesRepository } from './leases.repository';
import { MaintenanceJob, Scheduled } from '@ppt/queue';

export const ENDING_SOON_DAYS = [90, 60, 30] as const;

const transitions = processCounter<'outcome'>({
  name: 'lease_lifecycle_total',
  help: 'Leases announced as ending soon or expired by the daily job',
  labelNames: ['outcome'],
});

function isoDay(date: Date, plusDays = 0): string {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + plusDays))
    .toISOString()
    .slice(0, 10);
}

/** `day` (YYYY-MM-DD) moved by `days`. */
function shiftDay(day: string, days: number): string {
  return isoDay(new Date(`${day}T00:00:00Z`), days);
}

/**
 * The daily lease pass, per organisation:
 * - `lease.ending_soon` for every lease that holds its unit (active, or terminated with an end still
 *   ahead) and crossed a threshold (90, 60 or 30 days before its end) since the organisation's last
 *   pass — so a day the worker missed is caught up the next day. Each announcement is recorded in
 *   `lease_ending_notices` in the same transaction as its outbox event: once per lease, threshold
 *   and end date, however often the pass runs. The first pass for an organisation looks at today only.
 * - active leases whose end date has passed become `expired`.
 * Organisations are found through the read-only platform scope; each one's work runs in its own
 * tenant transaction, with its run row locked so two passes over one organisation do not interleave.
 */
@Injectable()
export class LeaseLifecycle {
  private readonly logger = new Logger(LeaseLifecycle.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantUnitOfWork,
    private readonly leases: LeasesRepository,
  ) {}

  /** Every day at 02:00 UTC. */
  @Scheduled({ job: MaintenanceJob.LeaseLifecycle, cron: '0 2 * * *', scope: 'lease-lifecycle' })
  async run(now = new Date()): Promise<{ endingSoon: number; expired: number }> {
    const today = isoDay(now);
    const organizations = await this.transactions.runPlatformJob(async (m) => {
      const withLeases = await m
        .createQueryBuilder(Lease, 'l')
        .select('DISTINCT l.organization_id', 'organizationId')
        .where(`l.status IN ('active', 'terminated') AND l.end_date IS NOT NULL`)
        .getRawMany<{ organizationId: string }>();
      // Organisations passed before keep their run day current, even on days without leases to look at.
      const passed = await m.find(LeaseLifecycleRun, { select: { organizationId: true } });
      return [...new Set([...withLeases, ...passed].map((o) => o.organizationId))].sort();
    });
    const totals = { endingSoon: 0, expired: 0 };
    for (const organizationId of organizations) {
      const result = await this.tenant.run(systemActor(organizationId), (tx) =>
        this.runForOrganization(tx, today),
      );
      totals.endingSoon += result.endingSoon;
      totals.expired += result.expired;
    }
    transitions.inc({ outcome: 'ending_soon' }, totals.endingSoon);
    transitions.inc({ outcome: 'expired' }, totals.expired);
    this.logger.log(
      `Lease pass: ${totals.endingSoon} ending soon, ${totals.expired} expired, ${organizations.length} organisation(s)`,
    );
    return totals;
  }

  private async runForOrganization(
    tx: TenantTransaction,
    today: string,
  ): Promise<{ endingSoon: number; expired: number }> {
    const { manager: m, organizationId } = tx;
    const lastRun = await m.findOne(LeaseLifecycleRun, {
      where: { organizationId },
      lock: { mode: 'pessimistic_write' },
    });
    // Thresholds crossed on a day after `since` and no later than today are due.
    const since = lastRun ? lastRun.lastRunOn : shiftDay(today, -1);
    let endingSoon = 0;
    for (const daysLeft of ENDING_SOON_DAYS) {
      const due = await m
        .createQueryBuilder(Lease, 'l')
        .where(`l.organization_id = :organizationId AND l.status IN ('active', 'terminated')`, {
          organizationId,
        })
        .andWhere('l.end_date > :from AND l.end_date <= :to AND l.end_date >= :today', {
          from: shiftDay(since, daysLeft),
          to: shiftDay(today, daysLeft),
          today,
        })
        .orderBy('l.end_date')
        .addOrderBy('l.id')
        .getMany();
      for (const lease of due) {
        const endDate = lease.endDate as string;
        const recorded = await m
          .createQueryBuilder()
          .insert()
          .into(LeaseEndingNotice)
          .values({ organizationId, leaseId: lease.id, thresholdDays: daysLeft, endDate })
          .orIgnore()
          .returning('lease_id')
          .updateEntity(false)
          .execute();
        // Already announced (the pass ran twice, or caught up earlier): nothing to send.
        if ((recorded.raw as unknown[]).length === 0) continue;
        await tx.emit({
          type: 'lease.ending_soon',
          aggregateId: lease.id,
          aggregateVersion: lease.version,
          payload: { leaseId: lease.id, unitId: lease.unitId, endDate, daysLeft },
        });
        endingSoon += 1;
      }
    }
    const past = await m
      .createQueryBuilder(Lease, 'l')
      .where(`l.organization_id = :organizationId AND l.status = 'active' AND l.end_date < :today`, {
        organizationId,
        today,
      })
      .setLock('pessimistic_write')
      .getMany();
    for (const lease of past) await this.leases.update(tx, lease.id, { status: 'expired' });
    if (!lastRun || lastRun.lastRunOn < today) {
      await m.upsert(LeaseLifecycleRun, { organizationId, lastRunOn: today }, ['organizationId']);
    }
    return { endingSoon, expired: past.length };
  }
}
