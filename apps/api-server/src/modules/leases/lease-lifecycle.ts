import { Injectable, Logger } from '@nestjs/common';
import { Lease, OutboxEvent, TenantTransactions } from '@ppt/db';
import { OutboxWriter } from '@ppt/events';
import { processCounter } from '@ppt/observability';
import type { EntityManager } from 'typeorm';
import { LeasesRepository } from './leases.repository';

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

/**
 * The daily lease pass: active leases ending exactly 90, 60 or 30 days from `today` emit
 * `lease.ending_soon` (once per lease and threshold, even if the pass runs twice); active leases whose
 * end date has passed become `expired`. Organisations are found through the read-only platform
 * scope; each one's work runs in its own tenant transaction.
 */
@Injectable()
export class LeaseLifecycle {
  private readonly logger = new Logger(LeaseLifecycle.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly leases: LeasesRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async run(today = new Date()): Promise<{ endingSoon: number; expired: number }> {
    const organizations = await this.tenant.runPlatform('lease-lifecycle', (m) =>
      m
        .createQueryBuilder(Lease, 'l')
        .select('DISTINCT l.organization_id', 'organizationId')
        .where(`l.status = 'active' AND l.end_date IS NOT NULL`)
        .getRawMany<{ organizationId: string }>(),
    );
    const totals = { endingSoon: 0, expired: 0 };
    for (const { organizationId } of organizations) {
      const result = await this.tenant.run({ organizationId }, (m) =>
        this.runForOrganization(m, organizationId, today),
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
    m: EntityManager,
    organizationId: string,
    today: Date,
  ): Promise<{ endingSoon: number; expired: number }> {
    let endingSoon = 0;
    for (const daysLeft of ENDING_SOON_DAYS) {
      const endDate = isoDay(today, daysLeft);
      const due = await m.find(Lease, { where: { organizationId, status: 'active', endDate } });
      for (const lease of due) {
        const announced = await m
          .createQueryBuilder(OutboxEvent, 'o')
          .where(
            `o.organization_id = :organizationId AND o.aggregate_id = :leaseId AND o.type = 'lease.ending_soon'`,
            { organizationId, leaseId: lease.id },
          )
          .andWhere(`(o.payload->>'daysLeft')::int = :daysLeft AND o.payload->>'endDate' = :endDate`, {
            daysLeft,
            endDate,
          })
          .getExists();
        if (announced) continue;
        await this.outbox.write(m, {
          type: 'lease.ending_soon',
          organizationId,
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
        today: isoDay(today),
      })
      .setLock('pessimistic_write')
      .getMany();
    for (const lease of past) await this.leases.update(m, organizationId, lease.id, { status: 'expired' });
    return { endingSoon, expired: past.length };
  }
}
