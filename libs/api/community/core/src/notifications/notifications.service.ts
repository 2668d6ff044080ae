import { Injectable } from '@nestjs/common';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_TYPES,
  type Notification,
  type NotificationChannel,
  type NotificationType,
} from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { OutboxWriter } from '@ppt/events';
import { AppError, registerErrorCodes } from '@ppt/observability';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import type {
  ListNotificationsQueryDto,
  NotificationPageResponse,
  NotificationResponse,
  PreferencesResponse,
  UpdatePreferencesDto,
} from './dto/notification.dto';
import { defaultEnabled } from './notification-defaults';
import { NotificationsRepository } from './notifications.repository';

/** Codes thrown below without a feature table (listed for the OpenAPI document). */
registerErrorCodes({ NOTIFICATION_NOT_FOUND: 404 });

export interface NewNotification {
  type: NotificationType;
  title: string;
  body?: string;
  link?: string;
}

/** A user's in-app notifications in the organisation the token acts in, and their preferences. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly notifications: NotificationsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  list(t: Tenant, query: ListNotificationsQueryDto): Promise<NotificationPageResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [items, total] = await this.notifications.list(
        m,
        t.organizationId,
        t.userId,
        query.unread === true,
        query.limit,
        query.offset,
      );
      const unread = await this.notifications.countUnread(m, t.organizationId, t.userId);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset, unread };
    });
  }

  markRead(t: Tenant, id: string): Promise<void> {
    return this.tenant.run(scopeOf(t), async (m) => {
      if (!(await this.notifications.exists(m, t.organizationId, t.userId, id))) {
        throw new AppError('NOTIFICATION_NOT_FOUND', 404, 'Notification not found');
      }
      await this.notifications.markRead(m, t.organizationId, t.userId, id);
    });
  }

  async markAllRead(t: Tenant): Promise<{ marked: number }> {
    const marked = await this.tenant.run(scopeOf(t), (m) =>
      this.notifications.markRead(m, t.organizationId, t.userId),
    );
    return { marked };
  }

  preferences(t: Tenant): Promise<PreferencesResponse> {
    return this.tenant.run(scopeOf(t), (m) => this.effective(m, t));
  }

  updatePreferences(t: Tenant, dto: UpdatePreferencesDto): Promise<PreferencesResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.notifications.savePreferences(m, t.organizationId, t.userId, dto.items);
      return this.effective(m, t);
    });
  }

  /**
   * Adds an in-app notification for each user who has not turned that type off, in the caller's
   * transaction (it commits with the change it announces), each with a `notification.created` event
   * for the WebSocket gateway.
   */
  async notify(
    m: EntityManager,
    organizationId: string,
    userIds: string[],
    n: NewNotification,
  ): Promise<number> {
    const off = await this.notifications.inAppDisabled(m, organizationId, userIds, n.type);
    const recipients = [...new Set(userIds)].filter((id) => !off.has(id));
    const rows = recipients.map((userId) => ({
      id: randomUUID(),
      organizationId,
      userId,
      type: n.type,
      title: n.title,
      body: n.body ?? '',
      link: n.link ?? null,
    }));
    await this.notifications.insertMany(m, rows);
    for (const row of rows) {
      await this.outbox.write(m, {
        type: 'notification.created',
        organizationId,
        aggregateId: row.id,
        aggregateVersion: 1,
        payload: { notificationId: row.id, userId: row.userId, type: row.type, title: row.title },
      });
    }
    return recipients.length;
  }

  /** Those of `userIds` who want `type` on `channel` (their choice, or the default). */
  async wanting(
    m: EntityManager,
    organizationId: string,
    userIds: string[],
    type: NotificationType,
    channel: NotificationChannel,
  ): Promise<string[]> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return [];
    const chosen = new Map(
      (await this.notifications.choices(m, organizationId, unique, type, channel)).map((p) => [
        p.userId,
        p.enabled,
      ]),
    );
    return unique.filter((id) => chosen.get(id) ?? defaultEnabled(type, channel));
  }

  /** Sets one choice for one user (the e-mails' unsubscribe link, which works without signing in). */
  setChoice(
    m: EntityManager,
    organizationId: string,
    userId: string,
    items: { type: NotificationType; channel: NotificationChannel; enabled: boolean }[],
  ): Promise<void> {
    return this.notifications.savePreferences(m, organizationId, userId, items);
  }

  /** Every type × channel, the user's choice where they made one, the default elsewhere. */
  private async effective(m: EntityManager, t: Tenant): Promise<PreferencesResponse> {
    const chosen = new Map(
      (await this.notifications.preferences(m, t.organizationId, t.userId)).map((p) => [
        `${p.type}/${p.channel}`,
        p.enabled,
      ]),
    );
    const items = NOTIFICATION_TYPES.flatMap((type) =>
      NOTIFICATION_CHANNELS.map((channel) => {
        const own = chosen.get(`${type}/${channel}`);
        return { type, channel, enabled: own ?? defaultEnabled(type, channel), isDefault: own === undefined };
      }),
    );
    return { items };
  }
}

function toResponse(n: Notification): NotificationResponse {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
    link: n.link,
    readAt: n.readAt,
    createdAt: n.createdAt,
  };
}
