import { Injectable } from '@nestjs/common';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
import {
  Announcement,
  AnnouncementComment,
  AnnouncementReceipt,
  AnnouncementRecipient,
  Building,
  Unit,
} from '@ppt/api-db';
import { In, type SelectQueryBuilder } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';
import type { ListAnnouncementsQueryDto } from './dto/announcement.dto';

const SORT_COLUMNS: Record<string, string> = {
  publishedAt: 'a.published_at',
  createdAt: 'a.created_at',
  title: 'a.title',
};

/** Someone reading announcements who does not manage them: sees only published ones delivered to them. */
export interface Reader {
  userId: string;
}

export interface ReceiptRow {
  userId: string;
  displayName: string;
  email: string;
  /** Null once they are no longer a member. */
  role: string | null;
  deliveredAt: Date;
  readAt: Date | null;
  acknowledgedAt: Date | null;
}

/**
 * Whether the user in `user` (with membership role `role`) is in announcement `a`'s audience: the whole
 * organisation, one of its roles, or a current occupant (owner, tenant, household member) of a unit in
 * its buildings or units. Evaluated once, at publication (`recordRecipients`).
 */
function inAudience(a: string, user: string, role: string): string {
  const occupies = (unitFilter: string) => `EXISTS (SELECT 1 FROM unit_occupants o
      JOIN people p ON p.id = o.person_id AND p.organization_id = o.organization_id
      JOIN units u ON u.id = o.unit_id AND u.organization_id = o.organization_id
      WHERE o.organization_id = ${a}.organization_id AND p.user_id = ${user}
        AND o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on >= current_date)
        AND ${unitFilter})`;
  return `(${a}.audience_type = 'organization'
    OR (${a}.audience_type = 'roles' AND ${role} = ANY(${a}.audience_roles))
    OR (${a}.audience_type = 'buildings' AND ${occupies(`u.building_id = ANY(${a}.audience_building_ids)`)})
    OR (${a}.audience_type = 'units' AND ${occupies(`o.unit_id = ANY(${a}.audience_unit_ids)`)}))`;
}

/**
 * Announcements, receipts and comments of one organisation: findForUpdate, create and update (which
 * raises the version) come from TenantRepository; every method takes the scope (RLS backs the filter up).
 */
@Injectable()
export class AnnouncementsRepository extends TenantRepository<Announcement> {
  constructor() {
    super(Announcement, { versioned: true });
  }

  /** Rows with the caller's own read and acknowledgement times. */
  async list(
    scope: OrganizationScope,
    userId: string,
    f: ListAnnouncementsQueryDto,
    reader?: Reader,
  ): Promise<{
    rows: { announcement: Announcement; readAt: Date | null; acknowledgedAt: Date | null }[];
    total: number;
  }> {
    const qb = this.withOwnReceipt(scope, userId);
    if (reader) this.readable(qb, reader);
    if (f.status) qb.andWhere('a.status = :status', { status: f.status });
    if (f.pinned !== undefined) qb.andWhere('a.pinned = :pinned', { pinned: f.pinned });
    if (f.urgent !== undefined) qb.andWhere('a.urgent = :urgent', { urgent: f.urgent });
    if (f.q) qb.andWhere('(a.title ILIKE :q OR a.body ILIKE :q)', { q: likePattern(f.q) });
    const total = await qb.getCount();
    if (f.sort) {
      const { field, direction } = parseSort(f.sort);
      qb.orderBy(SORT_COLUMNS[field], direction, 'NULLS LAST');
    } else {
      qb.orderBy('a.pinned', 'DESC')
        .addOrderBy('a.published_at', 'DESC', 'NULLS FIRST')
        .addOrderBy('a.created_at', 'DESC');
    }
    const { entities, raw } = await qb
      .addOrderBy('a.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getRawAndEntities<{ read_at: Date | null; acknowledged_at: Date | null }>();
    return {
      rows: entities.map((announcement, i) => ({
        announcement,
        readAt: raw[i].read_at,
        acknowledgedAt: raw[i].acknowledged_at,
      })),
      total,
    };
  }

  async findOne(
    scope: OrganizationScope,
    id: string,
    userId: string,
    reader?: Reader,
  ): Promise<{ announcement: Announcement; readAt: Date | null; acknowledgedAt: Date | null } | null> {
    const qb = this.withOwnReceipt(scope, userId).andWhere('a.id = :id', { id });
    if (reader) this.readable(qb, reader);
    const { entities, raw } = await qb.getRawAndEntities<{
      read_at: Date | null;
      acknowledged_at: Date | null;
    }>();
    if (entities.length === 0) return null;
    return { announcement: entities[0], readAt: raw[0].read_at, acknowledgedAt: raw[0].acknowledged_at };
  }

  async countBuildings(scope: OrganizationScope, ids: string[]): Promise<number> {
    return ids.length === 0
      ? 0
      : scope.manager.countBy(Building, { organizationId: scope.organizationId, id: In(ids) });
  }

  async countUnits(scope: OrganizationScope, ids: string[]): Promise<number> {
    return ids.length === 0
      ? 0
      : scope.manager.countBy(Unit, { organizationId: scope.organizationId, id: In(ids) });
  }

  /** Scheduled announcements whose time has come (the scheduler publishes them). */
  due(scope: OrganizationScope, now: Date): Promise<Announcement[]> {
    return scope.manager
      .createQueryBuilder(Announcement, 'a')
      .where(`a.organization_id = :organizationId AND a.status = 'scheduled' AND a.publish_at <= :now`, {
        organizationId: scope.organizationId,
        now,
      })
      .orderBy('a.publish_at', 'ASC')
      .getMany();
  }

  /** First read is kept; an acknowledgement is added once and kept. */
  async recordRead(
    scope: OrganizationScope,
    announcementId: string,
    userId: string,
    acknowledge: boolean,
  ): Promise<void> {
    await scope.manager.query(
      `INSERT INTO announcement_receipts (organization_id, announcement_id, user_id, read_at, acknowledged_at)
       VALUES ($1, $2, $3, now(), CASE WHEN $4 THEN now() END)
       ON CONFLICT (organization_id, announcement_id, user_id) DO UPDATE
         SET acknowledged_at = COALESCE(announcement_receipts.acknowledged_at, EXCLUDED.acknowledged_at)`,
      [scope.organizationId, announcementId, userId, acknowledge],
    );
  }

  /**
   * Stores the audience as of publication as its recipients (one statement, however large) and returns
   * their ids (publishing notifies them).
   */
  async recordRecipients(
    scope: OrganizationScope,
    announcementId: string,
    deliveredAt: Date,
  ): Promise<string[]> {
    const rows: { userId: string }[] = await scope.manager.query(
      `INSERT INTO announcement_recipients (organization_id, announcement_id, user_id, delivered_at)
       SELECT a.organization_id, a.id, mem.user_id, $3
         FROM announcements a
         JOIN memberships mem ON mem.organization_id = a.organization_id
        WHERE a.organization_id = $1 AND a.id = $2 AND ${inAudience('a', 'mem.user_id', 'mem.role')}
       RETURNING user_id AS "userId"`,
      [scope.organizationId, announcementId, deliveredAt],
    );
    return rows.map((r) => r.userId);
  }

  async isRecipient(scope: OrganizationScope, announcementId: string, userId: string): Promise<boolean> {
    return scope.manager.exists(AnnouncementRecipient, {
      where: { organizationId: scope.organizationId, announcementId, userId },
    });
  }

  /** Every recipient with their receipt (proof of delivery), unread first; former members included. */
  receiptReport(scope: OrganizationScope, announcementId: string): Promise<ReceiptRow[]> {
    return scope.manager.query(
      `SELECT rc.user_id AS "userId", usr.display_name AS "displayName", usr.email, mem.role::text AS role,
              rc.delivered_at AS "deliveredAt", r.read_at AS "readAt", r.acknowledged_at AS "acknowledgedAt"
         FROM announcement_recipients rc
         JOIN users usr ON usr.id = rc.user_id
         LEFT JOIN memberships mem ON mem.organization_id = rc.organization_id AND mem.user_id = rc.user_id
         LEFT JOIN announcement_receipts r
           ON r.organization_id = rc.organization_id AND r.announcement_id = rc.announcement_id
          AND r.user_id = rc.user_id
        WHERE rc.organization_id = $1 AND rc.announcement_id = $2
        ORDER BY r.read_at NULLS FIRST, usr.display_name, rc.user_id`,
      [scope.organizationId, announcementId],
    );
  }

  comments(scope: OrganizationScope, announcementId: string): Promise<AnnouncementComment[]> {
    return scope.manager.find(AnnouncementComment, {
      where: { organizationId: scope.organizationId, announcementId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: 500,
    });
  }

  addComment(scope: OrganizationScope, data: Partial<AnnouncementComment>): Promise<AnnouncementComment> {
    return scope.manager.save(
      scope.manager.create(AnnouncementComment, { ...data, organizationId: scope.organizationId }),
    );
  }

  private withOwnReceipt(scope: OrganizationScope, userId: string): SelectQueryBuilder<Announcement> {
    return scope.manager
      .createQueryBuilder(Announcement, 'a')
      .leftJoin(
        AnnouncementReceipt,
        'r',
        'r.organization_id = a.organization_id AND r.announcement_id = a.id AND r.user_id = :userId',
        { userId },
      )
      .addSelect('r.read_at', 'read_at')
      .addSelect('r.acknowledged_at', 'acknowledged_at')
      .where('a.organization_id = :organizationId', { organizationId: scope.organizationId });
  }

  /**
   * "Addressed to them" means a recipient, not the audience as it is today: readers then see, read and
   * acknowledge exactly what the receipt report accounts for (a newcomer does not get old notices; someone
   * who moved out but is still a member keeps what was delivered to them).
   */
  private readable(qb: SelectQueryBuilder<Announcement>, reader: Reader): void {
    qb.andWhere(`a.status = 'published'`).andWhere(
      `EXISTS (SELECT 1 FROM announcement_recipients rc
        WHERE rc.organization_id = a.organization_id AND rc.announcement_id = a.id AND rc.user_id = :readerId)`,
      { readerId: reader.userId },
    );
  }
}
