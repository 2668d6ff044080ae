import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import { NOTIFICATION_TYPES, type NotificationChannel, type NotificationSettings } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { NotificationJob, QueueName, type NotificationJobData } from '@ppt/queue';
import type { Queue } from 'bull';
import { NotificationDeliveryEnv, unsubscribeSecrets } from './notification-delivery.env';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { NotificationsService, type NewNotification } from '../notifications/notifications.service';
import { NotificationDeliveryError } from './notification-delivery.errors';
import { NotificationDeliveryRepository, type NewDelivery } from './notification-delivery.repository';
import { MAX_PUSH_SUBSCRIPTIONS_PER_USER, PushSender } from './push-sender';
import { isTimeZone, localClock, nextLocalHour, quietUntil } from './quiet-hours';
import { UnsubscribeTokens } from './unsubscribe-token';

export interface SettingsView {
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  timeZone: string;
  emailDigest: boolean;
}

export interface SubscriptionView {
  id: string;
  endpoint: string;
  deviceLabel: string | null;
  createdAt: Date;
}

const hhmm = (minute: number | null) =>
  minute === null
    ? null
    : `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const minuteOf = (value: string | null) => {
  if (value === null) return null;
  const [h, m] = value.split(':').map(Number);
  return h * 60 + m;
};

/**
 * The one way a notification reaches people: in-app (row + `notification.created` event, in one
 * transaction), e-mail and Web Push (a status row each, sent by a Bull job whose id is
 * `<key>:<user>:<channel>`, so a replayed event sends nothing twice). Preferences per type and
 * channel decide which channels; quiet hours delay e-mail and push to their end; users who chose the
 * digest get their e-mails gathered into one a day.
 */
@Injectable()
export class NotificationDeliveryService {
  readonly tokens: UnsubscribeTokens;

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly deliveries: NotificationDeliveryRepository,
    private readonly notifications: NotificationsService,
    private readonly push: PushSender,
    @InjectQueue(QueueName.Notifications) private readonly queue: Queue,
    @Inject(NotificationDeliveryEnv) private readonly env: NotificationDeliveryEnv,
  ) {
    this.tokens = new UnsubscribeTokens(unsubscribeSecrets(env));
  }

  /**
   * Tells `userIds` about something. `key` identifies the cause (the domain event's id): the same
   * key and recipient never make a second notification on any channel. `inApp: false` when the
   * producer already wrote the in-app rows in its own transaction.
   */
  async dispatch(
    organizationId: string,
    key: string,
    userIds: string[],
    n: NewNotification,
    options: { inApp?: boolean; now?: Date } = {},
  ): Promise<{ inApp: number; queued: number }> {
    const now = options.now ?? new Date();
    const channels: NotificationChannel[] = [
      ...(options.inApp === false ? [] : (['in_app'] as const)),
      'email',
      ...(this.push.enabled ? (['push'] as const) : []),
    ];
    const result = await this.tenant.run({ organizationId }, async (m) => {
      const users = [...new Set(userIds)];
      const settings = new Map(
        (await this.deliveries.settings(m, organizationId, users)).map((s) => [s.userId, s]),
      );
      const rows: NewDelivery[] = [];
      for (const channel of channels) {
        for (const userId of await this.notifications.wanting(m, organizationId, users, n.type, channel)) {
          const s = settings.get(userId);
          rows.push({
            organizationId,
            userId,
            jobId: `${key}:${userId}:${channel}`.slice(0, 300),
            type: n.type,
            channel,
            status: channel === 'in_app' ? 'sent' : 'queued',
            title: n.title.slice(0, 200),
            body: (n.body ?? '').slice(0, 2000),
            link: n.link ?? null,
            digest: channel === 'email' && s?.emailDigest === true,
            notBefore: channel === 'in_app' || !s ? null : quietUntil(now, quietOf(s)),
          });
        }
      }
      const inserted = await this.deliveries.insertNew(m, rows);
      const fresh = rows.filter((r) => inserted.has(r.jobId));
      const inApp = await this.notifications.notify(
        m,
        organizationId,
        fresh.filter((r) => r.channel === 'in_app').map((r) => r.userId),
        n,
      );
      // Rows of an earlier attempt whose job may never have been queued are queued again (same id).
      const pending = await this.deliveries.pendingByJobIds(
        m,
        organizationId,
        rows.filter((r) => r.channel !== 'in_app').map((r) => r.jobId),
      );
      const digestUsers = fresh
        .filter((r) => r.digest)
        .map((r) => ({ userId: r.userId, timeZone: settings.get(r.userId)?.timeZone ?? 'UTC' }));
      return { inApp, pending, digestUsers };
    });
    for (const d of result.pending) {
      await this.queue.add(
        NotificationJob.Deliver,
        { organizationId, deliveryId: d.id } satisfies NotificationJobData['deliver-notification'],
        {
          jobId: d.jobId,
          delay: d.notBefore ? Math.max(0, d.notBefore.getTime() - now.getTime()) : 0,
          attempts: this.env.NOTIFICATION_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.env.NOTIFICATION_RETRY_DELAY_MS },
        },
      );
    }
    for (const { userId, timeZone } of result.digestUsers) {
      const at = nextLocalHour(now, this.env.NOTIFICATION_DIGEST_HOUR, timeZone);
      await this.queue.add(
        NotificationJob.Digest,
        { organizationId, userId } satisfies NotificationJobData['send-digest'],
        {
          jobId: `digest:${organizationId}:${userId}:${localClock(at, timeZone).day}`,
          delay: at.getTime() - now.getTime(),
          attempts: this.env.NOTIFICATION_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.env.NOTIFICATION_RETRY_DELAY_MS },
        },
      );
    }
    return { inApp: result.inApp, queued: result.pending.length };
  }

  settings(t: Tenant): Promise<SettingsView> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [s] = await this.deliveries.settings(m, t.organizationId, [t.userId]);
      return toSettingsView(s);
    });
  }

  updateSettings(t: Tenant, dto: SettingsView): Promise<SettingsView> {
    if (!isTimeZone(dto.timeZone))
      throw new NotificationDeliveryError('INVALID_TIME_ZONE', `Unknown time zone: ${dto.timeZone}`);
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.deliveries.saveSettings(m, t.organizationId, t.userId, {
        quietStartMinute: minuteOf(dto.quietHoursStart),
        quietEndMinute: minuteOf(dto.quietHoursEnd),
        timeZone: dto.timeZone,
        emailDigest: dto.emailDigest,
      });
      const [s] = await this.deliveries.settings(m, t.organizationId, [t.userId]);
      return toSettingsView(s);
    });
  }

  vapidPublicKey(): { publicKey: string | null } {
    return { publicKey: this.push.publicKey };
  }

  subscriptions(t: Tenant): Promise<SubscriptionView[]> {
    return this.tenant.run(scopeOf(t), async (m) =>
      (await this.deliveries.subscriptions(m, t.organizationId, t.userId)).map(toSubscriptionView),
    );
  }

  subscribe(
    t: Tenant,
    dto: { endpoint: string; keys: { p256dh: string; auth: string }; deviceLabel?: string | null },
  ): Promise<SubscriptionView> {
    if (!this.push.enabled)
      throw new NotificationDeliveryError('PUSH_NOT_CONFIGURED', 'Web Push is not configured on this server');
    const problem = this.push.endpointProblem(dto.endpoint);
    if (problem)
      throw new NotificationDeliveryError('INVALID_PUSH_ENDPOINT', `The push endpoint ${problem}`, [
        { field: 'endpoint', message: problem },
      ]);
    return this.tenant.run(scopeOf(t), async (m) => {
      // Each subscription is one more request per notification: a bounded number per user (a new
      // one; re-registering a known endpoint only refreshes its keys).
      const others = await this.deliveries.lockedSubscriptionCount(
        m,
        t.organizationId,
        t.userId,
        dto.endpoint,
      );
      if (others >= MAX_PUSH_SUBSCRIPTIONS_PER_USER)
        throw new NotificationDeliveryError(
          'PUSH_SUBSCRIPTION_LIMIT',
          `At most ${MAX_PUSH_SUBSCRIPTIONS_PER_USER} push subscriptions per user; remove one first`,
        );
      return toSubscriptionView(
        await this.deliveries.saveSubscription(m, {
          organizationId: t.organizationId,
          userId: t.userId,
          endpoint: dto.endpoint,
          p256dh: dto.keys.p256dh,
          auth: dto.keys.auth,
          deviceLabel: dto.deviceLabel ?? null,
        }),
      );
    });
  }

  unsubscribeDevice(t: Tenant, id: string): Promise<void> {
    return this.tenant.run(scopeOf(t), async (m) => {
      if (!(await this.deliveries.deleteSubscription(m, t.organizationId, t.userId, id)))
        throw new NotificationDeliveryError('PUSH_SUBSCRIPTION_NOT_FOUND', 'Push subscription not found');
    });
  }

  /** The one-click unsubscribe (no sign-in): turns e-mail off for the token's type (all types: `*`). */
  async unsubscribe(token: string): Promise<{ type: string; channel: 'email' }> {
    const claim = this.tokens.verify(token);
    if (!claim)
      throw new NotificationDeliveryError('INVALID_UNSUBSCRIBE_TOKEN', 'This unsubscribe link is not valid');
    const types = claim.type === '*' ? [...NOTIFICATION_TYPES] : [claim.type];
    await this.tenant.run({ organizationId: claim.organizationId }, (m) =>
      this.notifications.setChoice(
        m,
        claim.organizationId,
        claim.userId,
        types.map((type) => ({ type, channel: 'email' as const, enabled: false })),
      ),
    );
    return { type: claim.type, channel: 'email' };
  }

  /** Where an e-mail's unsubscribe link points (the API, so it works without the web app). */
  unsubscribeUrl(claim: Parameters<UnsubscribeTokens['sign']>[0]): string {
    return `${this.env.API_PUBLIC_URL.replace(/\/$/, '')}/api/v1/notifications/unsubscribe?token=${this.tokens.sign(claim)}`;
  }
}

export function quietOf(s: NotificationSettings) {
  return { startMinute: s.quietStartMinute, endMinute: s.quietEndMinute, timeZone: s.timeZone };
}

function toSettingsView(s: NotificationSettings | undefined): SettingsView {
  return {
    quietHoursStart: hhmm(s?.quietStartMinute ?? null),
    quietHoursEnd: hhmm(s?.quietEndMinute ?? null),
    timeZone: s?.timeZone ?? 'UTC',
    emailDigest: s?.emailDigest ?? false,
  };
}

function toSubscriptionView(s: {
  id: string;
  endpoint: string;
  deviceLabel: string | null;
  createdAt: Date;
}): SubscriptionView {
  return { id: s.id, endpoint: s.endpoint, deviceLabel: s.deviceLabel, createdAt: s.createdAt };
}
