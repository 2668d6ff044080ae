import { Injectable } from '@nestjs/common';
import { type Document } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { OutboxWriter } from '@ppt/events';
import type { Page } from '@ppt/http';
import { ObjectStorage, StorageEnv } from '@ppt/storage';
import type { EntityManager } from 'typeorm';
import type { RequestMeta } from '@ppt/api-shared';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { IMAGE_TYPES } from './content-type';
import { DocumentAccess, type DocumentLinks } from './document-access';
import { sha256OfObject } from './document-content';
import { DocumentJobs } from './document-jobs';
import type {
  DocumentResponse,
  DocumentTextResponse,
  DownloadUrlResponse,
  ListDocumentsQueryDto,
  SignDocumentDto,
  UpdateDocumentDto,
} from './dto/document.dto';
import { DocumentError, DocumentErrorCode, photoMustBeImage } from './documents.errors';
import { audienceCondition, DocumentsRepository, type DocumentCondition } from './documents.repository';

/** Public listing photos get URLs this short-lived: the portal links to the redirect, never to them. */
const LISTING_PHOTO_URL_TTL_S = 300;

/**
 * Documents once stored: listing, reading, downloading (presigned URLs), metadata changes, signing
 * and deletion. Every change is audited in its transaction. A signed document's bytes never change:
 * it cannot be deleted, and a new version is a new document pointing at it.
 */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly documents: DocumentsRepository,
    private readonly access: DocumentAccess,
    private readonly storage: ObjectStorage,
    private readonly storageEnv: StorageEnv,
    private readonly audit: AuditService,
    private readonly jobs: DocumentJobs,
    private readonly outbox: OutboxWriter,
  ) {}

  list(t: Tenant, query: ListDocumentsQueryDto): Promise<Page<DocumentResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const audience = await this.access.audience(m, t);
      const [items, total] = await this.documents.list(m, t.organizationId, query, audience);
      return { items: items.map(toDocumentResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  /**
   * The documents the caller may find by search, as a SQL condition on `d` (alias of `documents`)
   * for a query run in `m` (the caller's tenant transaction): active, not deleted, and what their
   * audience sees (the same rule as the list). Search filters with it before it ranks anything.
   */
  async searchable(m: EntityManager, t: Tenant): Promise<DocumentCondition> {
    const visible = audienceCondition(await this.access.audience(m, t));
    const active = `d.organization_id = :organizationId AND d.status = 'active' AND d.deleted_at IS NULL`;
    return {
      sql: visible ? `${active} AND ${visible.sql}` : active,
      params: { organizationId: t.organizationId, ...visible?.params },
    };
  }

  get(t: Tenant, id: string): Promise<DocumentResponse> {
    return this.tenant.run(scopeOf(t), async (m) => toDocumentResponse(await this.access.visible(m, t, id)));
  }

  text(t: Tenant, id: string): Promise<DocumentTextResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const doc = await this.access.visible(m, t, id);
      const text = doc.textStatus === 'extracted' ? await this.documents.text(m, t.organizationId, id) : null;
      return { documentId: id, textStatus: doc.textStatus, text };
    });
  }

  async download(t: Tenant, id: string): Promise<DownloadUrlResponse> {
    const doc = await this.tenant.run(scopeOf(t), (m) => this.access.visible(m, t, id));
    if (doc.status !== 'active') throw notActive();
    return this.presign(doc, this.storageEnv.STORAGE_PRESIGN_TTL_SECONDS, true);
  }

  update(t: Tenant, id: string, dto: UpdateDocumentDto, meta: RequestMeta): Promise<DocumentResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.access.managed(m, t, id);
      if (dto.category) this.access.requireManage(t, dto.category);
      if (dto.category === 'photo' && !IMAGE_TYPES.includes(before.contentType)) throw photoMustBeImage();
      const links = ['buildingId', 'unitId', 'leaseId', 'faultId'] as const;
      const relinked = links.some((k) => dto[k] !== undefined);
      const wanted: DocumentLinks = Object.fromEntries(
        links.map((k) => [k, dto[k] === undefined ? before[k] : dto[k]]),
      );
      this.access.requireRealtorLinks(t, relinked ? wanted : {}, dto.visibility);
      const place =
        relinked || dto.visibility !== undefined
          ? await this.access.place(m, t, wanted, dto.visibility ?? before.visibility)
          : {};
      await this.documents.update(m, t.organizationId, id, {
        ...(dto.title !== undefined ? { title: dto.title } : {}),
        ...(dto.category !== undefined ? { category: dto.category } : {}),
        ...(dto.visibility !== undefined ? { visibility: dto.visibility } : {}),
        ...place,
      });
      const after = (await this.documents.findById(m, t.organizationId, id)) as Document;
      await this.recordChange(m, t, meta, 'updated', before, after);
      return toDocumentResponse(after);
    });
  }

  /** Soft delete now; the object goes in a background job. Signed documents stay (409). */
  async remove(t: Tenant, id: string, meta: RequestMeta): Promise<void> {
    await this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.access.managed(m, t, id);
      if (before.signedAt) {
        throw new DocumentError(DocumentErrorCode.Signed, 'A signed document cannot be deleted');
      }
      await this.documents.update(m, t.organizationId, id, { deletedAt: new Date() });
      const after = (await this.documents.findAny(m, t.organizationId, id)) as Document;
      await this.recordChange(m, t, meta, 'deleted', before, after);
      await this.outbox.write(m, {
        type: 'document.deleted',
        organizationId: t.organizationId,
        aggregateId: id,
        aggregateVersion: 1,
        payload: { documentId: id },
      });
    });
    await this.jobs.removeObject(t.organizationId, id);
  }

  /** Records the signature with the SHA-256 of the stored bytes, read now (not what the upload claimed). */
  async sign(t: Tenant, id: string, dto: SignDocumentDto, meta: RequestMeta): Promise<DocumentResponse> {
    const doc = await this.tenant.run(scopeOf(t), (m) => this.access.visible(m, t, id));
    if (doc.status !== 'active') throw notActive();
    const sha256 = await sha256OfObject(this.storage, doc.objectKey);
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.access.managed(m, t, id);
      if (before.signedAt)
        throw new DocumentError(DocumentErrorCode.Signed, 'The document is already signed');
      await this.documents.update(m, t.organizationId, id, {
        sha256,
        signedAt: dto.signedAt ?? new Date(),
        signerName: dto.signerName,
        signedByUserId: t.userId,
      });
      const after = (await this.documents.findById(m, t.organizationId, id)) as Document;
      await this.recordChange(m, t, meta, 'signed', before, after);
      return toDocumentResponse(after);
    });
  }

  /**
   * Which of `ids` are not active photo documents of the organisation that the caller may show in a
   * listing (a realtor: only photos they reach — never a resident's fault photo pulled into view).
   */
  async notPhotos(m: EntityManager, t: Tenant, ids: readonly string[]): Promise<string[]> {
    const audience = await this.access.audience(m, t);
    const photos = new Set(
      await this.documents.photoIds(m, t.organizationId, ids, audience?.kind === 'realtor' ? audience : null),
    );
    return ids.filter((id) => !photos.has(id));
  }

  /**
   * For the public photo route: a short-lived URL of a photo shown by a published or reserved
   * listing, or null. The listing is found in the 'listing-photos' scope (market listings only),
   * the photo in its organisation's scope.
   */
  async listingPhotoUrl(documentId: string): Promise<string | null> {
    const organizationId = await this.tenant.runPlatform('listing-photos', (m) =>
      this.documents.organizationShowingPhoto(m, documentId),
    );
    if (!organizationId) return null;
    const doc = await this.tenant.run({ organizationId }, (m) =>
      this.documents.findById(m, organizationId, documentId),
    );
    if (
      !doc ||
      doc.status !== 'active' ||
      doc.category !== 'photo' ||
      !IMAGE_TYPES.includes(doc.contentType)
    ) {
      return null;
    }
    return (await this.presign(doc, LISTING_PHOTO_URL_TTL_S, false)).url;
  }

  private async presign(
    doc: Document,
    ttlSeconds: number,
    attachment: boolean,
  ): Promise<DownloadUrlResponse> {
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const url = await this.storage.presignGet(doc.objectKey, {
      expiresInSeconds: ttlSeconds,
      contentType: doc.contentType,
      ...(attachment ? { fileName: doc.fileName } : {}),
    });
    return { url, expiresAt };
  }

  private recordChange(
    m: EntityManager,
    t: Tenant,
    meta: RequestMeta,
    verb: 'updated' | 'signed' | 'deleted',
    before: Document,
    after: Document,
  ): Promise<void> {
    return this.audit.recordChange(
      m,
      t,
      meta,
      { type: 'document', id: after.id, verb },
      documentSnapshot(before),
      documentSnapshot(after),
    );
  }
}

function notActive(): DocumentError {
  return new DocumentError(DocumentErrorCode.NotActive, 'The document has not been uploaded yet');
}

export function documentSnapshot(d: Document): Record<string, unknown> {
  const {
    organization: _o,
    building: _b,
    unit: _u,
    lease: _l,
    fault: _f,
    previousVersion: _p,
    uploadedBy: _ub,
    signedBy: _sb,
    extractedText: _t,
    ...fields
  } = d;
  return fields;
}

export function toDocumentResponse(d: Document): DocumentResponse {
  return {
    id: d.id,
    title: d.title,
    category: d.category,
    visibility: d.visibility,
    status: d.status,
    buildingId: d.buildingId,
    unitId: d.unitId,
    leaseId: d.leaseId,
    faultId: d.faultId,
    previousVersionId: d.previousVersionId,
    fileName: d.fileName,
    contentType: d.contentType,
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    uploadedByUserId: d.uploadedByUserId,
    signed: d.signedAt !== null,
    signedAt: d.signedAt,
    signerName: d.signerName,
    signedByUserId: d.signedByUserId,
    textStatus: d.textStatus,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}
