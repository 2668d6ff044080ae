import { Injectable } from '@nestjs/common';
import { Building, Document, Fault, Lease, Listing, Unit } from '@ppt/api-db';
import { IsNull, type EntityManager } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';
import type { ResidentHomes } from './document-rules';
import type { ListDocumentsQueryDto } from './dto/document.dto';

/** A document version as search indexing needs it. */
export interface IndexableVersion {
  id: string;
  title: string;
  contentType: string;
  previousVersionId: string | null;
  textStatus: string;
  status: string;
  deleted: boolean;
  /** Whether a newer version (not deleted) follows this one. */
  superseded: boolean;
}

const SORT_COLUMNS: Record<string, string> = {
  createdAt: 'd.created_at',
  title: 'd.title',
  sizeBytes: 'd.size_bytes',
};

/** Restricts a list to what one caller may see (null = everything of the organisation). */
export type DocumentAudience =
  | null
  | { kind: 'realtor'; userId: string }
  | { kind: 'resident'; owner: boolean; userId: string; homes: ResidentHomes };

/** A document some listing of its organisation shows (as `d`). */
const SHOWN_BY_A_LISTING = `EXISTS (SELECT 1 FROM listings l
  WHERE l.organization_id = d.organization_id AND l.photo_document_ids @> ARRAY[d.id])`;

/** A SQL condition on documents `d`, with its named (`:name`) parameters. */
export interface DocumentCondition {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * What an audience sees among the organisation's active documents, as a condition on `d` (null:
 * everything). Lists and document search both filter with it, in SQL.
 */
export function audienceCondition(audience: DocumentAudience): DocumentCondition | null {
  if (audience?.kind === 'realtor') {
    // Their own uploads, what listings show, and what is public: never residents' or staff files.
    return {
      sql: `(d.uploaded_by_user_id = :me OR d.visibility = 'public' OR ${SHOWN_BY_A_LISTING})`,
      params: { me: audience.userId },
    };
  }
  if (audience?.kind === 'resident') {
    // Their own uploads (photos of faults they reported), and what their homes' visibility allows.
    // Homes are units and their buildings: either both lists are empty or neither is.
    const { unitIds, buildingIds } = audience.homes;
    const either = [`d.uploaded_by_user_id = :me`, `d.visibility = 'public'`];
    if (unitIds.length > 0) {
      either.push(`(d.visibility = 'residents' AND d.building_id IN (:...buildingIds))`);
      either.push(`(d.visibility = 'unit' AND d.unit_id IN (:...unitIds))`);
      if (audience.owner) {
        either.push(
          `(d.visibility = 'owners' AND (d.unit_id IN (:...unitIds) OR (d.unit_id IS NULL AND d.building_id IN (:...buildingIds))))`,
        );
      }
    }
    return {
      sql: `(${either.join(' OR ')})`,
      params: { me: audience.userId, unitIds: [...unitIds], buildingIds: [...buildingIds] },
    };
  }
  return null;
}

/** Documents of one organisation (every method takes it; RLS backs it up). Deleted ones are never listed. */
@Injectable()
export class DocumentsRepository {
  list(
    m: EntityManager,
    organizationId: string,
    f: ListDocumentsQueryDto,
    audience: DocumentAudience,
  ): Promise<[Document[], number]> {
    const qb = m
      .createQueryBuilder(Document, 'd')
      .where('d.organization_id = :organizationId', { organizationId })
      .andWhere(`d.status = 'active' AND d.deleted_at IS NULL`);
    const visible = audienceCondition(audience);
    if (visible) qb.andWhere(visible.sql, visible.params);
    if (f.category) qb.andWhere('d.category = :category', { category: f.category });
    if (f.buildingId) qb.andWhere('d.building_id = :buildingId', { buildingId: f.buildingId });
    if (f.unitId) qb.andWhere('d.unit_id = :unitId', { unitId: f.unitId });
    if (f.leaseId) qb.andWhere('d.lease_id = :leaseId', { leaseId: f.leaseId });
    if (f.faultId) qb.andWhere('d.fault_id = :faultId', { faultId: f.faultId });
    if (f.signed !== undefined) qb.andWhere(f.signed ? 'd.signed_at IS NOT NULL' : 'd.signed_at IS NULL');
    if (f.q) qb.andWhere('d.title ILIKE :q', { q: likePattern(f.q) });
    const { field, direction } = parseSort(f.sort);
    qb.orderBy(SORT_COLUMNS[field], direction).addOrderBy('d.id', 'ASC').limit(f.limit).offset(f.offset);
    return qb.getManyAndCount();
  }

  /** A document that is not deleted (pending or active). */
  findById(m: EntityManager, organizationId: string, id: string): Promise<Document | null> {
    return m.findOneBy(Document, { organizationId, id, deletedAt: IsNull() });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Document | null> {
    return m.findOne(Document, {
      where: { organizationId, id, deletedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Any document, deleted or not (the jobs that clean up after deletion). */
  findAny(m: EntityManager, organizationId: string, id: string): Promise<Document | null> {
    return m.findOneBy(Document, { organizationId, id });
  }

  create(m: EntityManager, organizationId: string, data: Partial<Document>): Promise<Document> {
    return m.save(m.create(Document, { ...data, organizationId }));
  }

  async update(
    m: EntityManager,
    organizationId: string,
    id: string,
    changes: Partial<Document>,
  ): Promise<void> {
    await m.update(Document, { organizationId, id }, changes);
  }

  async remove(m: EntityManager, organizationId: string, id: string): Promise<void> {
    await m.delete(Document, { organizationId, id });
  }

  /**
   * Takes the single PUT of a pending direct upload's staging URL (local driver). 'confirmed' when the
   * document is active already, 'spent' when the URL was used or does not belong to it.
   */
  async claimStagingPut(
    m: EntityManager,
    organizationId: string,
    id: string,
    key: string,
  ): Promise<'claimed' | 'confirmed' | 'spent'> {
    const result = await m
      .createQueryBuilder()
      .update(Document)
      .set({ stagingPutAt: () => 'now()' })
      .where('organization_id = :organizationId AND id = :id AND staging_key = :key', {
        organizationId,
        id,
        key,
      })
      .andWhere(`status = 'pending' AND deleted_at IS NULL AND staging_put_at IS NULL`)
      .execute();
    if (result.affected) return 'claimed';
    const doc = await this.findById(m, organizationId, id);
    return doc?.status === 'active' && doc.stagingKey === key ? 'confirmed' : 'spent';
  }

  /** The PUT failed: its URL may be used again (until it expires). */
  async releaseStagingPut(m: EntityManager, organizationId: string, id: string): Promise<void> {
    await m.update(Document, { organizationId, id, status: 'pending' }, { stagingPutAt: null });
  }

  async text(m: EntityManager, organizationId: string, id: string): Promise<string | null> {
    const row = await m
      .createQueryBuilder(Document, 'd')
      .select('d.extracted_text', 'text')
      .where('d.organization_id = :organizationId AND d.id = :id', { organizationId, id })
      .getRawOne<{ text: string | null }>();
    return row?.text ?? null;
  }

  /** A version's metadata as document search's indexer needs it (deleted versions included). */
  async indexableVersion(
    m: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<IndexableVersion | null> {
    const [row] = (await m.query(
      `SELECT d.id, d.title, d.content_type AS "contentType", d.previous_version_id AS "previousVersionId",
              d.text_status AS "textStatus", d.status, d.deleted_at IS NOT NULL AS deleted,
              EXISTS (SELECT 1 FROM documents n WHERE n.organization_id = d.organization_id
                        AND n.previous_version_id = d.id AND n.deleted_at IS NULL) AS superseded
         FROM documents d WHERE d.organization_id = $1 AND d.id = $2`,
      [organizationId, id],
    )) as IndexableVersion[];
    return row ?? null;
  }

  /** The first version of a document's chain of versions (the id its search chunks are filed under). */
  async firstVersion(m: EntityManager, organizationId: string, id: string): Promise<string> {
    const [row] = (await m.query(
      `WITH RECURSIVE chain AS (
         SELECT id, previous_version_id, 0 AS depth FROM documents WHERE organization_id = $1 AND id = $2
         UNION ALL
         SELECT d.id, d.previous_version_id, chain.depth + 1 FROM documents d
           JOIN chain ON d.organization_id = $1 AND d.id = chain.previous_version_id
          WHERE chain.depth < 1000)
       SELECT id FROM chain ORDER BY depth DESC LIMIT 1`,
      [organizationId, id],
    )) as { id: string }[];
    return row?.id ?? id;
  }

  building(m: EntityManager, organizationId: string, id: string): Promise<Building | null> {
    return m.findOneBy(Building, { organizationId, id });
  }

  unit(m: EntityManager, organizationId: string, id: string): Promise<Unit | null> {
    return m.findOneBy(Unit, { organizationId, id });
  }

  lease(m: EntityManager, organizationId: string, id: string): Promise<Lease | null> {
    return m.findOneBy(Lease, { organizationId, id });
  }

  fault(m: EntityManager, organizationId: string, id: string): Promise<Fault | null> {
    return m.findOneBy(Fault, { organizationId, id });
  }

  /** The buildings of these units. */
  async buildingsOfUnits(
    m: EntityManager,
    organizationId: string,
    unitIds: readonly string[],
  ): Promise<string[]> {
    if (unitIds.length === 0) return [];
    const rows = await m
      .createQueryBuilder(Unit, 'u')
      .select('DISTINCT u.building_id', 'buildingId')
      .where('u.organization_id = :organizationId AND u.id IN (:...unitIds)', { organizationId, unitIds })
      .getRawMany<{ buildingId: string }>();
    return rows.map((r) => r.buildingId);
  }

  /** Of these ids, the active photo documents of the organisation (that a realtor reaches, if given). */
  async photoIds(
    m: EntityManager,
    organizationId: string,
    ids: readonly string[],
    realtor: { userId: string } | null,
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const qb = m
      .createQueryBuilder(Document, 'd')
      .select('d.id', 'id')
      .where('d.organization_id = :organizationId AND d.id IN (:...ids)', { organizationId, ids })
      .andWhere(`d.category = 'photo' AND d.status = 'active' AND d.deleted_at IS NULL`);
    if (realtor) {
      qb.andWhere(`(d.uploaded_by_user_id = :me OR d.visibility = 'public' OR ${SHOWN_BY_A_LISTING})`, {
        me: realtor.userId,
      });
    }
    const rows = await qb.getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  /**
   * Which listings show the photo: one whose contact is `userId` (a realtor's own listing), and one
   * with another contact or none (a colleague's or a manager's listing).
   */
  async listingsShowing(
    m: EntityManager,
    organizationId: string,
    id: string,
    userId: string,
  ): Promise<{ own: boolean; others: boolean }> {
    const [row] = (await m.query(
      `SELECT bool_or(l.contact_user_id = $3) AS own,
              bool_or(l.contact_user_id IS DISTINCT FROM $3) AS others
         FROM listings l
        WHERE l.organization_id = $1 AND l.photo_document_ids @> ARRAY[$2::uuid]`,
      [organizationId, id, userId],
    )) as { own: boolean | null; others: boolean | null }[];
    return { own: row?.own === true, others: row?.others === true };
  }

  async shownByAListing(m: EntityManager, organizationId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM documents d WHERE d.organization_id = $1 AND d.id = $2 AND ${SHOWN_BY_A_LISTING}`,
      [organizationId, id],
    );
    return rows.length > 0;
  }

  /**
   * Whether the document is attached to something the user receives: a message of a conversation
   * they may read (a direct one they take part in; a building-wide one of a building they live in or
   * own a unit of — `unitIds` null for staff, who read them all), or an announcement delivered to them.
   */
  async attachedForRecipient(
    m: EntityManager,
    organizationId: string,
    id: string,
    viewer: { userId: string; unitIds: readonly string[] | null },
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM conversation_messages msg
         JOIN conversations c ON c.organization_id = msg.organization_id AND c.id = msg.conversation_id
        WHERE msg.organization_id = $1 AND msg.attachment_document_ids @> ARRAY[$4::uuid]
          AND CASE c.kind
            WHEN 'direct' THEN EXISTS (SELECT 1 FROM conversation_participants a
              WHERE a.organization_id = c.organization_id AND a.conversation_id = c.id AND a.user_id = $2)
            ELSE ($3::uuid[] IS NULL OR c.building_id IN (SELECT u.building_id FROM units u
              WHERE u.organization_id = c.organization_id AND u.id = ANY($3::uuid[])))
          END
       UNION ALL
       SELECT 1 FROM announcements an
         JOIN announcement_recipients r ON r.organization_id = an.organization_id AND r.announcement_id = an.id
        WHERE an.organization_id = $1 AND an.attachment_document_ids @> ARRAY[$4::uuid] AND r.user_id = $2
       LIMIT 1`,
      [organizationId, viewer.userId, viewer.unitIds, id],
    );
    return rows.length > 0;
  }

  /** Runs in the platform scope 'listing-photos', which sees only listings on the market. */
  async organizationShowingPhoto(m: EntityManager, documentId: string): Promise<string | null> {
    const row = await m
      .createQueryBuilder(Listing, 'l')
      .select('l.organization_id', 'organizationId')
      .where(`l.status IN ('published', 'reserved') AND :documentId = ANY(l.photo_document_ids)`, {
        documentId,
      })
      .limit(1)
      .getRawOne<{ organizationId: string }>();
    return row?.organizationId ?? null;
  }
}
