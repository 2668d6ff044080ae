import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Organization, type NotificationDelivery } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { NotificationJob, QueueName, scheduleRepeatable, type NotificationJobData } from '@ppt/queue';
import type { Job, Queue } from 'bull';
import { NotificationDeliveryEnv } from '../notification-delivery.env';
import { Mailer } from '@ppt/api-shared';
import { UsersService } from '@ppt/api-identity-core';
import { NotificationDeliveryRepository } from '../notification-delivery.repository';
import { NotificationDeliveryService } from '../notification-delivery.service';
import { notificationMail, savedSearchAlertMail, type MailItem } from '../notification-mail';
import { NotificationReminders } from '../notification-reminders';
import { PushSender } from '../push-sender';

const DELIVERY_CONCURRENCY = 8;
/** Hourly, a few minutes past (away from the other jobs' full hours). */
export const NOTIFICATION_REMINDERS_CRON = '7 * * * *';

type Outcome = { status: 'sent' | 'skipped' | 'gone'; reason?: string };

/**
 * Sends one e-mail or push delivery, or one user's digest. A failure is recorded on the status row
 * and thrown, so Bull retries with exponential backoff; after the last attempt the row says
 * `failed` and the job stays in the queue's failed list (the dead letters Bull Board shows).
 */
@Processor(QueueName.Notifications)
export class DeliverNotificationProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliverNotificationProcessor.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly deliveries: NotificationDeliveryRepository,
    private readonly service: NotificationDeliveryService,
    private readonly users: UsersService,
    private readonly mailer: Mailer,
    private readonly push: PushSender,
    private readonly reminders: NotificationReminders,
    @InjectQueue(QueueName.Notifications) private readonly queue: Queue,
    @Inject(NotificationDeliveryEnv) private readonly env: NotificationDeliveryEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await scheduleRepeatable(this.queue, NotificationJob.Reminders, NOTIFICATION_REMINDERS_CRON);
  }

  @Process(NotificationJob.Reminders)
  remind(): Promise<{ reminders: number; failed: number }> {
    return this.reminders.run(new Date());
  }

  // Sending waits on SMTP servers and push services, not on this process: several at once.
  @Process({ name: NotificationJob.Deliver, concurrency: DELIVERY_CONCURRENCY })
  async deliver(job: Job<NotificationJobData['deliver-notification']>): Promise<Outcome> {
    const { organizationId, deliveryId } = job.data;
    const found = await this.tenant.run({ organizationId }, async (m) => {
      const delivery = await this.deliveries.find(m, organizationId, deliveryId);
      if (!delivery || delivery.status !== 'queued') return null;
      const organization = await m.findOneBy(Organization, { id: organizationId });
      const subscriptions =
        delivery.channel === 'push'
          ? await this.deliveries.subscriptions(m, organizationId, delivery.userId)
          : [];
      return { delivery, organization: organization?.name ?? '', subscriptions };
    });
    if (!found) return { status: 'skipped', reason: 'already handled' };
    const { delivery } = found;
    if (delivery.channel === 'email')
      return this.attempt(job, [delivery], () => this.email(found.organization, [delivery]));
    if (!this.push.enabled || found.subscriptions.length === 0) {
      await this.mark(
        [delivery],
        'skipped',
        this.push.enabled ? 'no push subscription' : 'push not configured',
      );
      return { status: 'skipped' };
    }
    return this.attempt(job, [delivery], async () => {
      let providerId: string | null = null;
      let sent = false;
      let retry: string | null = null;
      let refused: string | null = null;
      // Every device at once, under one deadline: a user's devices never add up to one slow job.
      const outcomes = await this.push.sendAll(found.subscriptions, {
        title: delivery.title,
        body: delivery.body,
        type: delivery.type,
        url: this.appUrl(delivery.link),
      });
      for (const { target: sub, outcome } of outcomes) {
        if (outcome.kind === 'sent') {
          sent = true;
          providerId ??= outcome.providerId;
        } else if (outcome.kind === 'gone') {
          // RFC 8030 §7.3: the subscription expired or was withdrawn; it never comes back.
          await this.tenant.run({ organizationId }, (m) =>
            this.deliveries.deleteSubscriptionById(m, organizationId, sub.id),
          );
        } else if (outcome.kind === 'retry') retry = outcome.error;
        else refused = outcome.error;
      }
      if (sent) return { providerId };
      if (retry) throw new Error(retry);
      // Refused (a 4xx or a redirect): another attempt would be refused the same way.
      if (refused) return { refused };
      return { skipped: 'every push subscription had expired' };
    });
  }

  /**
   * The portal's saved-search alert (collected by the portal worker, which does not hold the
   * visitor's address). A failed send throws: Bull retries, the job id keeps it to one e-mail.
   */
  @Process(NotificationJob.SavedSearchAlert)
  async savedSearchAlert(job: Job<NotificationJobData['saved-search-alert']>): Promise<Outcome> {
    const user = await this.users.findById(job.data.userId);
    if (!user || user.disabledAt || !user.emailVerifiedAt)
      return { status: 'skipped', reason: 'no verified account' };
    await this.mailer.send(savedSearchAlertMail({ to: user.email, name: user.displayName, ...job.data }));
    return { status: 'sent' };
  }

  @Process(NotificationJob.Digest)
  async digest(job: Job<NotificationJobData['send-digest']>): Promise<Outcome> {
    const { organizationId, userId } = job.data;
    const found = await this.tenant.run({ organizationId }, async (m) => ({
      held: await this.deliveries.heldForDigest(m, organizationId, userId),
      organization: (await m.findOneBy(Organization, { id: organizationId }))?.name ?? '',
    }));
    if (found.held.length === 0) return { status: 'skipped', reason: 'nothing held' };
    return this.attempt(job, found.held, () => this.email(found.organization, found.held));
  }

  /** Runs a send, recording its outcome on the rows; rethrows so Bull retries. */
  private async attempt(
    job: Job,
    rows: NotificationDelivery[],
    send: () => Promise<{ providerId: string | null } | { skipped: string } | { refused: string }>,
  ): Promise<Outcome> {
    try {
      const result = await send();
      if ('refused' in result) {
        await this.mark(rows, 'failed', result.refused);
        return { status: 'skipped', reason: result.refused };
      }
      if ('skipped' in result) {
        await this.mark(rows, 'skipped', result.skipped);
        return { status: 'skipped', reason: result.skipped };
      }
      await this.tenant.run({ organizationId: rows[0].organizationId }, (m) =>
        this.deliveries.markSent(
          m,
          rows[0].organizationId,
          rows.map((r) => r.id),
          result.providerId,
        ),
      );
      return { status: 'sent' };
    } catch (err) {
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const message = (err as Error).message;
      await this.mark(rows, last ? 'failed' : 'queued', message);
      if (last) this.logger.warn(`Notification job ${String(job.id)} failed for good: ${message}`);
      throw err;
    }
  }

  private mark(rows: NotificationDelivery[], status: 'queued' | 'failed' | 'skipped', error: string) {
    const organizationId = rows[0].organizationId;
    return this.tenant.run({ organizationId }, (m) =>
      this.deliveries.markAttempt(
        m,
        organizationId,
        rows.map((r) => r.id),
        status,
        error,
      ),
    );
  }

  private async email(
    organization: string,
    rows: NotificationDelivery[],
  ): Promise<{ providerId: string | null } | { skipped: string }> {
    const user = await this.users.findById(rows[0].userId);
    if (!user || user.disabledAt) return { skipped: 'account gone or disabled' };
    const items: MailItem[] = rows.map((r) => ({ title: r.title, body: r.body, url: this.appUrl(r.link) }));
    const providerId = await this.mailer.send(
      notificationMail({
        to: user.email,
        from: this.mailer.senderAs(`${organization} ${this.env.NOTIFICATION_SENDER_SUFFIX}`.trim()),
        organization,
        items,
        preferencesUrl: this.mailer.appPage('settings/notifications'),
        unsubscribeUrl: this.service.unsubscribeUrl({
          organizationId: rows[0].organizationId,
          userId: rows[0].userId,
          type: rows.length > 1 ? '*' : rows[0].type,
        }),
      }),
    );
    return { providerId: providerId || null };
  }

  private appUrl(link: string | null): string | null {
    return link ? this.mailer.appPage(link.replace(/^\//, '')) : null;
  }
}
