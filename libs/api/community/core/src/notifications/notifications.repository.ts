import { Injectable } from '@nestjs/common';
import {
  Notification,
  NotificationPreference,
  type NotificationChannel,
  type NotificationType,
} from '@ppt/api-db';
import { In, IsNull, type EntityManager } from 'typeorm';

/** In-app notifications and preferences of users of one organisation (RLS backs the filter up). */
@Injectable()
export class NotificationsRepository {
  list(
    m: EntityManager,
    organizationId: string,
    userId: string,
    unreadOnly: boolean,
    limit: number,
    offset: number,
  ): Promise<[Notification[], number]> {
    return m.findAndCount(Notification, {
      where: { organizationId, userId, ...(unreadOnly ? { readAt: IsNull() } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  countUnread(m: EntityManager, organizationId: string, userId: string): Promise<number> {
    return m.countBy(Notification, { organizationId, userId, readAt: IsNull() });
  }

  async markRead(m: EntityManager, organizationId: string, userId: string, id?: string): Promise<number> {
    const result = await m.update(
      Notification,
      { organizationId, userId, readAt: IsNull(), ...(id ? { id } : {}) },
      { readAt: () => 'now()' },
    );
    return result.affected ?? 0;
  }

  exists(m: EntityManager, organizationId: string, userId: string, id: string): Promise<boolean> {
    return m.existsBy(Notification, { organizationId, userId, id });
  }

  preferences(m: EntityManager, organizationId: string, userId: string): Promise<NotificationPreference[]> {
    return m.findBy(NotificationPreference, { organizationId, userId });
  }

  async savePreferences(
    m: EntityManager,
    organizationId: string,
    userId: string,
    items: Pick<NotificationPreference, 'type' | 'channel' | 'enabled'>[],
  ): Promise<void> {
    if (items.length === 0) return;
    await m
      .createQueryBuilder()
      .insert()
      .into(NotificationPreference)
      .values(items.map((i) => ({ ...i, organizationId, userId })))
      .orUpdate(['enabled'], ['organization_id', 'user_id', 'type', 'channel'])
      .updateEntity(false)
      .execute();
  }

  /** The choices made by `userIds` for one type and channel. */
  choices(
    m: EntityManager,
    organizationId: string,
    userIds: string[],
    type: NotificationType,
    channel: NotificationChannel,
  ): Promise<NotificationPreference[]> {
    return m.findBy(NotificationPreference, { organizationId, userId: In(userIds), type, channel });
  }

  /** Users among `userIds` who turned the in-app channel of `type` off. */
  async inAppDisabled(
    m: EntityManager,
    organizationId: string,
    userIds: string[],
    type: NotificationType,
  ): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await m
      .createQueryBuilder(NotificationPreference, 'p')
      .select('p.user_id', 'userId')
      .where('p.organization_id = :organizationId AND p.user_id IN (:...userIds)', {
        organizationId,
        userIds,
      })
      .andWhere(`p.type = :type AND p.channel = 'in_app' AND NOT p.enabled`, { type })
      .getRawMany<{ userId: string }>();
    return new Set(rows.map((r) => r.userId));
  }

  async insertMany(m: EntityManager, rows: Partial<Notification>[]): Promise<void> {
    if (rows.length === 0) return;
    await m.createQueryBuilder().insert().into(Notification).values(rows).updateEntity(false).execute();
  }
}
