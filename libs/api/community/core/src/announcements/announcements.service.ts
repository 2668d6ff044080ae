import { Injectable } from '@nestjs/common';
import { can, Permission } from '@ppt/auth';
import type { Announcement, AnnouncementComment } from '@ppt/api-db';
import type { Page } from '@ppt/http';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { DocumentAccess } from '@ppt/api-documents-core';
import type {
  AnnouncementResponse,
  CommentResponse,
  CreateAnnouncementDto,
  ListAnnouncementsQueryDto,
  ReceiptReportResponse,
  UpdateAnnouncementDto,
} from './dto/announcement.dto';
import { AnnouncementChanges } from './announcement-changes';
import { snapshot, toResponse } from './announcement-responses';
import { AnnouncementError, AnnouncementErrorCode } from './announcements.errors';
import { AnnouncementsRepository, type Reader } from './announcements.repository';

/** Who writes and runs announcements; everyone else reads the published ones addressed to them. */

/**
 * Announcements: drafted, scheduled (published by the every-minute job once `publishAt` has come) or
 * published at once, archived. Publishing fixes its recipients (the audience at that moment) and writes
 * the `announcement.published` event and an in-app notification for each in the same transaction;
 * recipients leave receipts (read, acknowledged) that make the delivery report.
 */
@Injectable()
export class AnnouncementsService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly announcements: AnnouncementsRepository,
    private readonly changes: AnnouncementChanges,
    private readonly documents: DocumentAccess,
  ) {}

  list(t: Tenant, query: ListAnnouncementsQueryDto): Promise<Page<AnnouncementResponse>> {
    return this.tenant.run(t, async (tx) => {
      const { rows, total } = await this.announcements.list(tx, t.userId, query, readerOf(t));
      return {
        items: rows.map((r) => ({
          ...toResponse(r.announcement),
          readAt: r.readAt,
          acknowledgedAt: r.acknowledgedAt,
        })),
        total,
        limit: query.limit,
        offset: query.offset,
      };
    });
  }

  get(t: Tenant, id: string): Promise<AnnouncementResponse> {
    return this.tenant.run(t, async (tx) => {
      const found = await this.announcements.findOne(tx, id, t.userId, readerOf(t));
      if (!found) throw notFound();
      return {
        ...toResponse(found.announcement),
        readAt: found.readAt,
        acknowledgedAt: found.acknowledgedAt,
      };
    });
  }

  due(t: Tenant): Promise<{ items: AnnouncementResponse[] }> {
    return this.tenant.run(t, async (tx) => ({
      items: (await this.announcements.due(tx, new Date())).map(toResponse),
    }));
  }

  create(t: Tenant, dto: CreateAnnouncementDto, meta: RequestMeta): Promise<AnnouncementResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const fields = { ...dto };
        await this.checkAudience(tx, fields);
        await this.checkAttachments(tx, t, fields.attachmentDocumentIds ?? []);
        const created = await this.announcements.create(tx, {
          ...fields,
          status: 'draft',
          createdByUserId: t.userId,
        });
        await tx.auditChange(
          { type: 'announcement', id: created.id, verb: 'created' },
          null,
          snapshot(created),
        );
        return toResponse(created);
      },
      meta,
    );
  }

  update(
    t: Tenant,
    id: string,
    dto: UpdateAnnouncementDto,
    meta: RequestMeta,
  ): Promise<AnnouncementResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.lock(tx, id);
        if (before.status !== 'draft' && before.status !== 'scheduled') {
          throw new AnnouncementError(
            AnnouncementErrorCode.NotEditable,
            `A ${before.status} announcement cannot be edited`,
          );
        }
        await this.checkAudience(tx, { ...before, ...dto });
        // Documents already attached stay valid; only newly named ones are checked.
        const attached = new Set(before.attachmentDocumentIds);
        await this.checkAttachments(
          tx,
          t,
          (dto.attachmentDocumentIds ?? []).filter((id) => !attached.has(id)),
        );
        return this.changes.change(tx, before, dto, 'updated');
      },
      meta,
    );
  }

  schedule(t: Tenant, id: string, publishAt: string, meta: RequestMeta): Promise<AnnouncementResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.transition(tx, id, ['draft', 'scheduled'], 'scheduled');
        const when = new Date(publishAt);
        if (when.getTime() <= Date.now()) {
          throw new AnnouncementError(
            AnnouncementErrorCode.PublishAtInPast,
            'publishAt must be in the future',
          );
        }
        return this.changes.change(tx, before, { status: 'scheduled', publishAt: when }, 'updated');
      },
      meta,
    );
  }

  /** Publishes now (shared with the job that publishes scheduled ones: `AnnouncementChanges`). */
  publish(t: Tenant, id: string, meta: RequestMeta): Promise<AnnouncementResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.transition(tx, id, ['draft', 'scheduled'], 'published');
        return this.changes.publish(tx, before, new Date());
      },
      meta,
    );
  }

  archive(t: Tenant, id: string, meta: RequestMeta): Promise<AnnouncementResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.transition(tx, id, ['published'], 'archived');
        return this.changes.change(tx, before, { status: 'archived', pinned: false }, 'archived');
      },
      meta,
    );
  }

  /**
   * A recipient marks it read (acknowledge also counts as read). Editors see every announcement but,
   * like readers, leave receipts only where they are recipients, so the report accounts for every one.
   */
  markRead(t: Tenant, id: string, acknowledge: boolean): Promise<void> {
    return this.tenant.run(t, async (tx) => {
      const reader = readerOf(t);
      const found = await this.announcements.findOne(tx, id, t.userId, reader);
      if (!found || found.announcement.status !== 'published') throw notFound();
      // A reader found it only as a recipient; an editor finds every one.
      if (!reader && !(await this.announcements.isRecipient(tx, id, t.userId))) {
        throw new AnnouncementError(
          AnnouncementErrorCode.NotRecipient,
          'Only its recipients can read or acknowledge this announcement',
        );
      }
      if (acknowledge && !found.announcement.requiresAcknowledgement) {
        throw new AnnouncementError(
          AnnouncementErrorCode.AcknowledgementNotRequested,
          'This announcement does not ask for an acknowledgement',
        );
      }
      await this.announcements.recordRead(tx, id, t.userId, acknowledge);
    });
  }

  receipts(t: Tenant, id: string): Promise<ReceiptReportResponse> {
    return this.tenant.run(t, async (tx) => {
      await this.lock(tx, id);
      const items = await this.announcements.receiptReport(tx, id);
      return {
        audience: items.length,
        read: items.filter((i) => i.readAt).length,
        acknowledged: items.filter((i) => i.acknowledgedAt).length,
        items,
      };
    });
  }

  comments(t: Tenant, id: string): Promise<{ items: CommentResponse[] }> {
    return this.tenant.run(t, async (tx) => {
      if (!(await this.announcements.findOne(tx, id, t.userId, readerOf(t)))) throw notFound();
      return { items: (await this.announcements.comments(tx, id)).map(toComment) };
    });
  }

  /** Readers comment on published announcements addressed to them; editors on any. */
  comment(t: Tenant, id: string, body: string): Promise<CommentResponse> {
    return this.tenant.run(t, async (tx) => {
      if (!(await this.announcements.findOne(tx, id, t.userId, readerOf(t)))) throw notFound();
      return toComment(
        await this.announcements.addComment(tx, {
          announcementId: id,
          authorUserId: t.userId,
          body,
        }),
      );
    });
  }

  private async transition(
    tx: TenantTransaction,
    id: string,
    from: Announcement['status'][],
    to: Announcement['status'],
  ): Promise<Announcement> {
    const current = await this.lock(tx, id);
    if (!from.includes(current.status)) {
      throw new AnnouncementError(
        AnnouncementErrorCode.InvalidTransition,
        `A ${current.status} announcement cannot become ${to}`,
      );
    }
    return current;
  }

  private async lock(tx: TenantTransaction, id: string): Promise<Announcement> {
    const found = await this.announcements.findForUpdate(tx, id);
    if (!found) throw notFound();
    return found;
  }

  /** Every attachment is an active document of this organisation that the author may see. */
  private async checkAttachments(tx: TenantTransaction, t: Tenant, ids: string[]): Promise<void> {
    const unavailable = await this.documents.firstUnattachable(tx.manager, t, ids);
    if (unavailable)
      throw new AnnouncementError(
        AnnouncementErrorCode.InvalidAttachment,
        `Document ${unavailable} was not found or is not available`,
      );
  }

  /** The audience must name what its type needs, and only things of this organisation. */
  private async checkAudience(
    tx: TenantTransaction,
    a: Pick<Announcement, 'audienceType'> &
      Partial<Pick<Announcement, 'audienceBuildingIds' | 'audienceUnitIds' | 'audienceRoles'>>,
  ): Promise<void> {
    const invalid = (message: string) =>
      new AnnouncementError(AnnouncementErrorCode.InvalidAudience, message);
    const buildings = a.audienceBuildingIds ?? [];
    const units = a.audienceUnitIds ?? [];
    if (a.audienceType === 'buildings') {
      if (buildings.length === 0) throw invalid('Name at least one building (audienceBuildingIds)');
      if ((await this.announcements.countBuildings(tx, buildings)) !== buildings.length)
        throw invalid('Some buildings do not exist in this organisation');
    }
    if (a.audienceType === 'units') {
      if (units.length === 0) throw invalid('Name at least one unit (audienceUnitIds)');
      if ((await this.announcements.countUnits(tx, units)) !== units.length)
        throw invalid('Some units do not exist in this organisation');
    }
    if (a.audienceType === 'roles' && (a.audienceRoles ?? []).length === 0)
      throw invalid('Name at least one role (audienceRoles)');
  }
}

function readerOf(t: Tenant): Reader | undefined {
  return can(t, Permission.AnnouncementManage) ? undefined : { userId: t.userId };
}

function notFound(): AnnouncementError {
  return new AnnouncementError(AnnouncementErrorCode.NotFound, 'Announcement not found');
}

function toComment(c: AnnouncementComment): CommentResponse {
  return { id: c.id, authorUserId: c.authorUserId, body: c.body, createdAt: c.createdAt };
}
