import { Injectable, Logger } from '@nestjs/common';
import { Announcement } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { processCounter } from '@ppt/observability';
import { systemActor, TenantUnitOfWork } from '@ppt/api-shared';
import { AnnouncementChanges } from './announcement-changes';
import { AnnouncementsRepository } from './announcements.repository';
import { MaintenanceJob, Scheduled } from '@ppt/queue';

/** Announcements published per pass at most; the rest wait a minute (the earliest first). */
export const ANNOUNCEMENTS_PUBLISHED_PER_PASS = 200;

const publishedBySchedule = processCounter<'outcome'>({
  name: 'announcements_published_by_schedule_total',
  help: 'Scheduled announcements published by the scheduled job (outcome: published or failed)',
  labelNames: ['outcome'],
});

/**
 * The every-minute pass that publishes scheduled announcements whose `publishAt` has come, with exactly
 * the manual publish (`AnnouncementChanges.publish`: audit with the system as actor,
 * `announcement.published`, notifications to the audience), one tenant transaction per announcement.
 * Due ones are found across organisations through the read-only platform scope
 * 'announcements-publish-due'; each is locked and checked again, so one published, moved back to
 * draft or rescheduled meanwhile (or by an earlier pass) is skipped.
 */
@Injectable()
export class AnnouncementsPublishDue {
  private readonly logger = new Logger(AnnouncementsPublishDue.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantUnitOfWork,
    private readonly announcements: AnnouncementsRepository,
    private readonly changes: AnnouncementChanges,
  ) {}

  /**
   * Every minute: a notice scheduled for 9:00 reaches residents by 9:01 at the latest, and a pass with
   * nothing due is one indexed query (partial index ix_announcements_scheduled_publish).
   */
  @Scheduled({
    job: MaintenanceJob.AnnouncementsPublishDue,
    cron: '* * * * *',
    scope: 'announcements-publish-due',
  })
  async run(now = new Date()): Promise<{ published: number; failed: number }> {
    const due = await this.transactions.runPlatformJob((m) =>
      m
        .createQueryBuilder(Announcement, 'a')
        .select('a.organization_id', 'organizationId')
        .addSelect('a.id', 'id')
        .where(`a.status = 'scheduled' AND a.publish_at <= :now`, { now })
        .orderBy('a.publish_at', 'ASC')
        .addOrderBy('a.id', 'ASC')
        .limit(ANNOUNCEMENTS_PUBLISHED_PER_PASS)
        .getRawMany<{ organizationId: string; id: string }>(),
    );
    const totals = { published: 0, failed: 0 };
    for (const { organizationId, id } of due) {
      try {
        if (await this.publishOne(organizationId, id, now)) totals.published += 1;
      } catch (err) {
        totals.failed += 1;
        this.logger.error(
          `Announcement ${id} (organisation ${organizationId}) could not be published: ${(err as Error).message}`,
        );
      }
    }
    publishedBySchedule.inc({ outcome: 'published' }, totals.published);
    publishedBySchedule.inc({ outcome: 'failed' }, totals.failed);
    if (due.length > 0) {
      this.logger.log(
        `Publishing pass: ${totals.published} announcement(s) published, ${totals.failed} failed`,
      );
    }
    return totals;
  }

  private publishOne(organizationId: string, id: string, now: Date): Promise<boolean> {
    return this.tenant.run(systemActor(organizationId), async (tx) => {
      const before = await this.announcements.findForUpdate(tx, id);
      if (!before || before.status !== 'scheduled' || !before.publishAt || before.publishAt > now) {
        return false;
      }
      await this.changes.publish(tx, before, now);
      return true;
    });
  }
}
