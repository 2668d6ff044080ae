import { Injectable } from '@nestjs/common';
import type { Announcement } from '@ppt/api-db';
import type { TenantTransaction } from '@ppt/api-shared';
import { NotificationsService } from '../notifications/notifications.service';
import { snapshot, toResponse } from './announcement-responses';
import { AnnouncementsRepository } from './announcements.repository';
import type { AnnouncementResponse } from './dto/announcement.dto';

/**
 * Audited changes of an announcement inside the caller's transaction, and publishing, shared by the
 * manager's `POST /announcements/:id/publish` and the every-minute job that publishes scheduled ones.
 */
@Injectable()
export class AnnouncementChanges {
  constructor(
    private readonly announcements: AnnouncementsRepository,
    private readonly notifications: NotificationsService,
  ) {}

  /** Applies `changes` to the locked `before` and audits the difference as the transaction's actor. */
  async change(
    tx: TenantTransaction,
    before: Announcement,
    changes: Partial<Announcement>,
    verb: 'updated' | 'published' | 'archived',
  ): Promise<AnnouncementResponse> {
    await this.announcements.update(tx, before.id, changes);
    const after = (await this.announcements.findForUpdate(tx, before.id)) as Announcement;
    await tx.auditChange({ type: 'announcement', id: before.id, verb }, snapshot(before), snapshot(after));
    return toResponse(after);
  }

  /**
   * Publishes the locked draft or scheduled `before`: status and time, audit, the
   * `announcement.published` event, its recipients (the audience now, kept for the receipt report) and
   * an in-app notification for each of them.
   */
  async publish(tx: TenantTransaction, before: Announcement, now: Date): Promise<AnnouncementResponse> {
    const id = before.id;
    const published = await this.change(tx, before, { status: 'published', publishedAt: now }, 'published');
    await tx.emit({
      type: 'announcement.published',
      aggregateId: id,
      aggregateVersion: published.version,
      payload: {
        announcementId: id,
        title: published.title,
        urgent: published.urgent,
        audienceType: published.audienceType,
      },
    });
    const recipients = await this.announcements.recordRecipients(tx, id, now);
    await this.notifications.notify(tx.manager, tx.organizationId, recipients, {
      type: 'announcement',
      title: published.title,
      body: published.body.slice(0, 300),
      link: `/announcements/${id}`,
    });
    return published;
  }
}
