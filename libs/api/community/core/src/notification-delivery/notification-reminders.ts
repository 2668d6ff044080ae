import { Injectable, Logger } from '@nestjs/common';
import { ReadingPeriod, Vote } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { NotificationDeliveryService } from './notification-delivery.service';
import { NotificationRecipients } from './notification-recipients';

const DAY_MS = 24 * 3600_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Reminders that no event announces: a vote closing within 24 hours (to eligible owners who have not
 * voted), a meter-reading period opening today and its deadline in 3 days (to occupants of units with
 * meters). Due items are found across organisations through the read-only platform scope
 * 'notification-reminders'; each is told once, keyed by the vote or period and the kind of reminder,
 * however often the hourly pass sees it. An organisation whose pass fails is logged; the others go on.
 */
@Injectable()
export class NotificationReminders {
  private readonly logger = new Logger(NotificationReminders.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly who: NotificationRecipients,
    private readonly delivery: NotificationDeliveryService,
  ) {}

  async run(now = new Date()): Promise<{ reminders: number; failed: number }> {
    const today = isoDay(now);
    const inThreeDays = isoDay(new Date(now.getTime() + 3 * DAY_MS));
    const { votes, periods } = await this.tenant.runPlatform('notification-reminders', async (m) => ({
      votes: await m
        .createQueryBuilder(Vote, 'v')
        .select(['v.id', 'v.organizationId', 'v.title', 'v.endAt'])
        .where(`v.status = 'open' AND v.end_at > :now AND v.end_at <= :until`, {
          now,
          until: new Date(now.getTime() + DAY_MS),
        })
        .getMany(),
      periods: await m
        .createQueryBuilder(ReadingPeriod, 'p')
        .select(['p.id', 'p.organizationId', 'p.name', 'p.startsOn', 'p.deadline'])
        .where('p.starts_on = :today OR p.deadline = :inThreeDays', { today, inThreeDays })
        .getMany(),
    }));
    const totals = { reminders: 0, failed: 0 };
    const remind = async (organizationId: string, work: () => Promise<void>) => {
      try {
        await work();
        totals.reminders += 1;
      } catch (err) {
        totals.failed += 1;
        this.logger.error(`A reminder of organisation ${organizationId} failed: ${(err as Error).message}`);
      }
    };
    for (const vote of votes) {
      await remind(vote.organizationId, async () => {
        const users = await this.tenant.run({ organizationId: vote.organizationId }, (m) =>
          this.who.votersYetToVote(m, vote.organizationId, vote.id),
        );
        await this.delivery.dispatch(vote.organizationId, `vote-closing:${vote.id}`, users, {
          type: 'vote',
          title: `Vote closes within 24 hours: ${vote.title}`.slice(0, 200),
          body: `Voting ends at ${vote.endAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
          link: `/votes/${vote.id}`,
        });
      });
    }
    for (const period of periods) {
      const opening = period.startsOn === today;
      await remind(period.organizationId, async () => {
        const users = await this.tenant.run({ organizationId: period.organizationId }, (m) =>
          this.who.occupantsWithMeters(m, period.organizationId, today),
        );
        await this.delivery.dispatch(
          period.organizationId,
          `reading-period-${opening ? 'open' : 'deadline'}:${period.id}`,
          users,
          {
            type: 'meter_reading',
            title: (opening
              ? `Meter readings: ${period.name} is open`
              : `Meter readings due in 3 days: ${period.name}`
            ).slice(0, 200),
            body: `Please submit your readings by ${period.deadline}.`,
            link: `/reading-periods/${period.id}`,
          },
        );
      });
    }
    return totals;
  }
}
