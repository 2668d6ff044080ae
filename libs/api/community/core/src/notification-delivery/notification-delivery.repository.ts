import { Injectable } from '@nestjs/common';
import {
  NotificationDelivery,
  NotificationSettings,
  PushSubscription,
  type NotificationChannel,
} from '@ppt/api-db';
import { In, type EntityManager } from 'typeorm';

export type NewDelivery = Pick<
  NotificationDelivery,
  | 'organizationId'
  | 'userId'
  | 'jobId'
  | 'type'
  | 'channel'
  | 'status'
  | 'title'
  | 'body'
  | 'link'
  | 'digest'
  | 'notBefore'
>;

/** Delivery status rows, push subscriptions and delivery settings of one organisation (RLS backs it up). */
@Injectable()
export class NotificationDeliveryRepository {
  /** Inserts the rows whose job id is new; returns the job ids inserted now. */
  async insertNew(m: EntityManager, rows: NewDelivery[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const result = await m
      .createQueryBuilder()
      .insert()
      .into(NotificationDelivery)
      .values(rows)
      .orIgnore()
      .returning(['jobId'])
      .updateEntity(false)
      .execute();
    return new Set((result.raw as { job_id: string }[]).map((r) => r.job_id));
  }

  /** Rows still to be sent on their own (not held for the digest), among `jobIds`. */
  pendingByJobIds(
    m: EntityManager,
    organizationId: string,
    jobIds: string[],
  ): Promise<NotificationDelivery[]> {
    if (jobIds.length === 0) return Promise.resolve([]);
    return m.findBy(NotificationDelivery, {
      organizationId,
      jobId: In(jobIds),
      status: 'queued',
      digest: false,
    });
  }

  find(m: EntityManager, organizationId: string, id: string): Promise<NotificationDelivery | null> {
    return m.findOneBy(NotificationDelivery, { organizationId, id });
  }

  heldForDigest(m: EntityManager, organizationId: string, userId: string): Promise<NotificationDelivery[]> {
    return m.find(NotificationDelivery, {
      where: { organizationId, userId, status: 'queued', digest: true, channel: 'email' },
      order: { createdAt: 'ASC' },
      take: 200,
    });
  }

  async markSent(
    m: EntityManager,
    organizationId: string,
    ids: string[],
    providerId: string | null,
  ): Promise<void> {
    if (ids.length === 0) return;
    await m.update(
      NotificationDelivery,
      { organizationId, id: In(ids) },
      { status: 'sent', providerId, error: null, sentAt: () => 'now()', attempts: () => 'attempts + 1' },
    );
  }

  async markAttempt(
    m: EntityManager,
    organizationId: string,
    ids: string[],
    status: 'queued' | 'failed' | 'skipped',
    error: string | null,
  ): Promise<void> {
    if (ids.length === 0) return;
    await m.update(
      NotificationDelivery,
      { organizationId, id: In(ids) },
      { status, error: error?.slice(0, 1000) ?? null, attempts: () => 'attempts + 1' },
    );
  }

  forUser(m: EntityManager, organizationId: string, userId: string, channel?: NotificationChannel) {
    return m.find(NotificationDelivery, {
      where: { organizationId, userId, ...(channel ? { channel } : {}) },
      order: { createdAt: 'DESC' },
      take: 100,
    });
  }

  settings(m: EntityManager, organizationId: string, userIds: string[]): Promise<NotificationSettings[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return m.findBy(NotificationSettings, { organizationId, userId: In(userIds) });
  }

  async saveSettings(
    m: EntityManager,
    organizationId: string,
    userId: string,
    values: Pick<NotificationSettings, 'quietStartMinute' | 'quietEndMinute' | 'timeZone' | 'emailDigest'>,
  ): Promise<void> {
    await m
      .createQueryBuilder()
      .insert()
      .into(NotificationSettings)
      .values({ organizationId, userId, ...values })
      .orUpdate(
        ['quiet_start_minute', 'quiet_end_minute', 'time_zone', 'email_digest', 'updated_at'],
        ['organization_id', 'user_id'],
      )
      .updateEntity(false)
      .execute();
  }

  subscriptions(m: EntityManager, organizationId: string, userId: string): Promise<PushSubscription[]> {
    return m.find(PushSubscription, { where: { organizationId, userId }, order: { createdAt: 'ASC' } });
  }

  /**
   * The user's subscriptions other than `endpoint`, counted under a transaction lock on the user's
   * subscriptions (concurrent registrations are counted one after the other).
   */
  async lockedSubscriptionCount(
    m: EntityManager,
    organizationId: string,
    userId: string,
    endpoint: string,
  ): Promise<number> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('push_subscriptions:' || $1 || ':' || $2))`, [
      organizationId,
      userId,
    ]);
    const [row] = (await m.query(
      `SELECT count(*)::int AS n FROM push_subscriptions
        WHERE organization_id = $1 AND user_id = $2 AND endpoint <> $3`,
      [organizationId, userId, endpoint],
    )) as { n: number }[];
    return row.n;
  }

  async saveSubscription(
    m: EntityManager,
    row: Pick<PushSubscription, 'organizationId' | 'userId' | 'endpoint' | 'p256dh' | 'auth' | 'deviceLabel'>,
  ): Promise<PushSubscription> {
    await m
      .createQueryBuilder()
      .insert()
      .into(PushSubscription)
      .values(row)
      .orUpdate(['p256dh', 'auth', 'device_label'], ['organization_id', 'user_id', 'endpoint'])
      .updateEntity(false)
      .execute();
    return m.findOneByOrFail(PushSubscription, {
      organizationId: row.organizationId,
      userId: row.userId,
      endpoint: row.endpoint,
    });
  }

  async deleteSubscription(
    m: EntityManager,
    organizationId: string,
    userId: string,
    id: string,
  ): Promise<boolean> {
    const result = await m.delete(PushSubscription, { organizationId, userId, id });
    return (result.affected ?? 0) > 0;
  }

  async deleteSubscriptionById(m: EntityManager, organizationId: string, id: string): Promise<void> {
    await m.delete(PushSubscription, { organizationId, id });
  }
}
