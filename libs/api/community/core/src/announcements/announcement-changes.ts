import { Injectable } from '@nestjs/common';
import type { Announcement } from '@ppt/api-db';
import { OutboxWriter } from '@ppt/events';
import type { EntityManager } from 'typeorm';
import type { RequestMeta } from '@ppt/api-shared';
import { AuditService, type AuditActor } from '@ppt/api-shared';
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
    private readonly audit: AuditService,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Applies `changes` to the locked `before` and audits the difference. */
  async change(
    m: EntityManager,
    actor: AuditActor,
    meta: RequestMeta,
    before: Announcement,
    changes: Partial<Announcement>,
    verb: 'updated' | 'published' | 'archived',
  ): Promise<AnnouncementResponse> {
    await this.announcements.update(m, actor.organizationId, before.id, changes);
    const after = (await this.announcements.findForUpdate(
      m,
      actor.organizationId,
      before.id,
    )) as Announcement;
    await this.audit.recordChange(
      m,
      actor,
      meta,
      { type: 'announcement', id: before.id, verb },
      snapshot(before),
      snapshot(after),
    );
    return toResponse(after);
  }

  /**
   * Publishes the locked draft or scheduled `before`: status and time, audit, the
   * `announcement.published` event, its recipients (the audience now, kept for the receipt report) and
   * an in-app notification for each of them.
   */
  async publish(
    m: EntityManager,
    actor: AuditActor,
    meta: RequestMeta,
    before: Announcement,
    now: Date,
  ): Promise<AnnouncementResponse> {
    const { organizationId } = actor;
    const id = before.id;
    const published = await this.change(
      m,
      actor,
      meta,
      before,
      { status: 'published', publishedAt: now },
      'published',
    );
    await this.outbox.write(m, {
      type: 'announcement.published',
      organizationId,
      aggregateId: id,
      aggregateVersion: published.version,
      payload: {
        announcementId: id,
        title: published.title,
        urgent: published.urgent,
        audienceType: published.audienceType,
      },
    });
    const recipients = await this.announcements.recordRecipients(m, organizationId, id, now);
    await this.notifications.notify(m, organizationId, recipients, {
      type: 'announcement',
      title: published.title,
      body: published.body.slice(0, 300),
      link: `/announcements/${id}`,
    });
    return published;
  }
}
