import { Injectable, Logger } from '@nestjs/common';
import { Vote } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { processCounter } from '@ppt/observability';
import { systemActor, TenantUnitOfWork } from '@ppt/api-shared';
import { VoteClosing } from './vote-closing';
import { VotesRepository } from './votes.repository';
import { MaintenanceJob, Scheduled } from '@ppt/queue';

/** Votes closed per pass at most; the rest wait a minute (the oldest end first). */
export const VOTES_CLOSED_PER_PASS = 200;

const closedBySchedule = processCounter<'outcome'>({
  name: 'votes_closed_by_schedule_total',
  help: 'Open votes past their end closed by the scheduled job (outcome: closed or failed)',
  labelNames: ['outcome'],
});

/**
 * The every-minute pass that closes open votes whose `endAt` has passed (ballots are accepted up to and
 * including `endAt`), with exactly the manual close
 * (`VoteClosing`: results, `vote.closed`, audit with the system as actor), one tenant transaction per
 * vote. Due votes are found across organisations through the read-only platform scope
 * 'votes-close-due'; each is locked and checked again before closing, so a vote a manager closed or
 * cancelled meanwhile, or one a second pass already closed, is skipped. A vote that cannot be closed
 * (its ballot chain does not verify) is logged and left open for a person to look at; the others go on.
 */
@Injectable()
export class VotesCloseDue {
  private readonly logger = new Logger(VotesCloseDue.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantUnitOfWork,
    private readonly votes: VotesRepository,
    private readonly closing: VoteClosing,
  ) {}

  /**
   * Every minute: results follow the end of the voting period within a minute, and a pass with nothing
   * due is one indexed query (partial index ix_votes_open_end).
   */
  @Scheduled({ job: MaintenanceJob.VotesCloseDue, cron: '* * * * *', scope: 'votes-close-due' })
  async run(now = new Date()): Promise<{ closed: number; failed: number }> {
    const due = await this.transactions.runPlatformJob((m) =>
      m
        .createQueryBuilder(Vote, 'v')
        .select('v.organization_id', 'organizationId')
        .addSelect('v.id', 'id')
        .where(`v.status = 'open' AND v.end_at < :now`, { now })
        .orderBy('v.end_at', 'ASC')
        .addOrderBy('v.id', 'ASC')
        .limit(VOTES_CLOSED_PER_PASS)
        .getRawMany<{ organizationId: string; id: string }>(),
    );
    const totals = { closed: 0, failed: 0 };
    for (const { organizationId, id } of due) {
      try {
        if (await this.closeOne(organizationId, id, now)) totals.closed += 1;
      } catch (err) {
        totals.failed += 1;
        this.logger.error(
          `Vote ${id} (organisation ${organizationId}) could not be closed: ${(err as Error).message}`,
        );
      }
    }
    closedBySchedule.inc({ outcome: 'closed' }, totals.closed);
    closedBySchedule.inc({ outcome: 'failed' }, totals.failed);
    if (due.length > 0) {
      this.logger.log(`Closing pass: ${totals.closed} vote(s) closed, ${totals.failed} failed`);
    }
    return totals;
  }

  private closeOne(organizationId: string, id: string, now: Date): Promise<boolean> {
    return this.tenant.run(systemActor(organizationId), async (tx) => {
      const vote = await this.votes.findForUpdate(tx, id);
      if (!vote || vote.status !== 'open' || vote.endAt >= now) return false;
      await this.closing.close(tx, vote, now);
      return true;
    });
  }
}
