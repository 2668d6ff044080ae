import { Injectable, Logger } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { Charge } from '@ppt/api-db';
import { processCounter } from '@ppt/observability';
import { systemActor, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { NotificationsService } from '@ppt/api-community-core';
import { ChargesRepository } from './charges.repository';
import { formatMoney, isoDay, subtract } from './money';
import { MaintenanceJob, Scheduled } from '@ppt/queue';

const marked = processCounter({
  name: 'charges_overdue_total',
  help: 'Charges marked overdue by the daily job',
});

const organizationPasses = processCounter<'outcome'>({
  name: 'charge_overdue_organizations_total',
  help: 'Organisations handled by the daily overdue job (outcome: done or failed)',
  labelNames: ['outcome'],
});

/**
 * The daily overdue pass: pending charges whose due date is before `today` (UTC) become `overdue`,
 * each with one `payment.overdue` event, an audit entry (`charge.status_changed`, the system as actor)
 * and an in-app notification to the payer's account (when linked and not turned off), all in the
 * organisation's transaction. A charge that is already overdue is not touched again, so running the
 * pass twice emits nothing twice. Organisations are found through the read-only platform scope
 * 'finance-overdue'. An organisation whose pass fails is logged and rolled back; the others go on.
 */
@Injectable()
export class ChargeOverdue {
  private readonly logger = new Logger(ChargeOverdue.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantUnitOfWork,
    private readonly charges: ChargesRepository,
    private readonly notifications: NotificationsService,
  ) {}

  /** Every day at 02:30 UTC (after the lease pass). */
  @Scheduled({ job: MaintenanceJob.FinanceOverdue, cron: '30 2 * * *', scope: 'finance-overdue' })
  async run(now = new Date()): Promise<{ overdue: number; notified: number; failed: number }> {
    const today = isoDay(now);
    const organizations = await this.transactions.runPlatformJob((m) =>
      m
        .createQueryBuilder(Charge, 'c')
        .select('DISTINCT c.organization_id', 'organizationId')
        .where(`c.status = 'pending' AND c.due_date < :today`, { today })
        .getRawMany<{ organizationId: string }>(),
    );
    const totals = { overdue: 0, notified: 0, failed: 0 };
    for (const { organizationId } of organizations) {
      // One organisation's failure rolls back only its own changes; the others go on.
      try {
        const result = await this.tenant.run(systemActor(organizationId), (tx) =>
          this.runForOrganization(tx, today),
        );
        totals.overdue += result.overdue;
        totals.notified += result.notified;
      } catch (err) {
        totals.failed += 1;
        this.logger.error(
          `Overdue charges of organisation ${organizationId} could not be marked: ${(err as Error).message}`,
        );
      }
    }
    marked.inc(totals.overdue);
    organizationPasses.inc({ outcome: 'done' }, organizations.length - totals.failed);
    organizationPasses.inc({ outcome: 'failed' }, totals.failed);
    this.logger.log(
      `Overdue pass: ${totals.overdue} charge(s) overdue, ${totals.notified} notified, ${organizations.length} organisation(s), ${totals.failed} failed`,
    );
    return totals;
  }

  private async runForOrganization(
    tx: TenantTransaction,
    today: string,
  ): Promise<{ overdue: number; notified: number }> {
    const due = await this.charges.pendingPastDue(tx, today);
    const payers = [...new Set(due.map((c) => c.personId).filter((id): id is string => id !== null))];
    const users = await this.charges.linkedUsers(tx, payers);
    let notified = 0;
    for (const charge of due) {
      await this.charges.update(tx, charge.id, { status: 'overdue' });
      await tx.auditChange(
        { type: 'charge', id: charge.id, verb: 'status_changed' },
        { status: charge.status, version: charge.version },
        { status: 'overdue', version: charge.version + 1 },
      );
      const outstanding = subtract(charge.amount, charge.paidAmount);
      await tx.emit({
        type: 'payment.overdue',
        aggregateId: charge.id,
        aggregateVersion: charge.version + 1,
        payload: {
          chargeId: charge.id,
          unitId: charge.unitId,
          leaseId: charge.leaseId,
          personId: charge.personId,
          outstandingAmount: outstanding,
          currency: charge.currency,
          dueDate: charge.dueDate,
        },
      });
      const userId = charge.personId ? users.get(charge.personId) : undefined;
      if (userId) {
        notified += await this.notifications.notify(tx.manager, tx.organizationId, [userId], {
          type: 'payment_overdue',
          title: `Payment overdue: ${charge.description || charge.kind.replace('_', ' ')}`,
          body: `${formatMoney(outstanding, charge.currency)} was due on ${charge.dueDate}.`,
          link: `/charges/${charge.id}`,
        });
      }
    }
    return { overdue: due.length, notified };
  }
}
