import { Injectable } from '@nestjs/common';
import { type Document, type DocumentTextStatus } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { ValidationFailedError, toErrorDetails } from '@ppt/observability';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  ObjectStorage,
  StorageEnv,
  objectKey,
  stagingKey,
} from '@ppt/storage';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DocumentsEnv } from './documents.env';
import type { RequestMeta } from '@ppt/api-shared';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { ALLOWED_CONTENT_TYPES, DOCUMENT_TYPES, IMAGE_TYPES } from './content-type';
import { DocumentAccess } from './document-access';
import { inspectContent, inspectStoredObject } from './document-content';
import { DocumentJobs } from './document-jobs';
import { documentSnapshot, toDocumentResponse } from './documents.service';
import {
  DocumentError,
  DocumentErrorCode,
  documentNotFound,
  photoMustBeImage,
  tooLarge,
  unsupportedType,
} from './documents.errors';
import { DocumentsRepository } from './documents.repository';
import {
  UploadDocumentFormDto,
  type CreateDirectUploadDto,
  type DirectUploadResponse,
  type DocumentMetadataDto,
  type DocumentResponse,
} from './dto/document.dto';
import { receiveFile } from './multipart-form';

const TEXT_TYPES: readonly string[] = [DOCUMENT_TYPES.pdf, DOCUMENT_TYPES.docx, DOCUMENT_TYPES.text];

/** What is known about stored bytes once checked. */
export interface StoredContent {
  contentType: string;
  sizeBytes: number;
  sha256: string | null;
}

/**
 * How documents come in: streamed through the API (multipart), or straight to storage — one
 * presigned PUT confirmed afterwards, or a resumable upload (UploadsService) — each ending with bytes
 * whose type was sniffed, and an active, audited document. Objects that fail a check are removed.
 */
@Injectable()
export class DocumentIntake {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly documents: DocumentsRepository,
    private readonly access: DocumentAccess,
    private readonly storage: ObjectStorage,
    private readonly storageEnv: StorageEnv,
    private readonly env: DocumentsEnv,
    private readonly audit: AuditService,
    private readonly jobs: DocumentJobs,
  ) {}

  /** POST /documents: the file streams from the request into storage while it is sniffed and hashed. */
  async uploadStream(t: Tenant, req: Request, meta: RequestMeta): Promise<DocumentResponse> {
    const incoming = await receiveFile(req, this.env.DOCUMENT_MAX_BYTES);
    let key: string | undefined;
    try {
      const form = await validForm(incoming.fields);
      const fileName = displayName(incoming.fileName);
      await this.tenant.run(scopeOf(t), (m) => this.checkMetadata(m, t, form));
      const content = await inspectContent(incoming.stream);
      if (form.category === 'photo' && !IMAGE_TYPES.includes(content.contentType)) throw photoMustBeImage();

      const id = randomUUID();
      key = objectKey(t.organizationId, id, fileName);
      await this.storage.put(key, content.body, { contentType: content.contentType, ifAbsent: true });
      await incoming.finished;
      const { sizeBytes, sha256 } = content.totals();
      const doc = await this.tenant.run(scopeOf(t), async (m) => {
        const created = await this.createDocument(m, t, form, {
          id,
          fileName,
          objectKey: key as string,
          status: 'active',
          contentType: content.contentType,
          sizeBytes,
          sha256,
          textStatus: textStatusFor(content.contentType),
        });
        await this.audit.recordChange(
          m,
          t,
          meta,
          { type: 'document', id, verb: 'created' },
          null,
          documentSnapshot(created),
        );
        return created;
      });
      await this.afterActivation(doc);
      return toDocumentResponse(doc);
    } catch (err) {
      incoming.discard();
      if (key) await this.storage.delete(key).catch(() => undefined);
      throw err;
    }
  }

  /** POST /documents/uploads: a pending document and a presigned PUT for exactly the declared bytes. */
  async createDirectUpload(
    t: Tenant,
    dto: CreateDirectUploadDto,
    meta: RequestMeta,
  ): Promise<DirectUploadResponse> {
    if (dto.sizeBytes > this.env.DOCUMENT_MAX_BYTES) throw tooLarge(this.env.DOCUMENT_MAX_BYTES);
    if (!ALLOWED_CONTENT_TYPES.includes(dto.contentType)) throw unsupportedType();
    if (dto.category === 'photo' && !IMAGE_TYPES.includes(dto.contentType)) throw photoMustBeImage();
    const ttl = this.storageEnv.STORAGE_PRESIGN_TTL_SECONDS;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    const doc = await this.tenant.run(scopeOf(t), (m) =>
      this.createPending(
        m,
        t,
        dto,
        { fileName: dto.fileName, sizeBytes: dto.sizeBytes, contentType: dto.contentType },
        meta,
        { staged: true, stagingExpiresAt: expiresAt },
      ),
    );
    // The URL writes to the staging key only: confirm copies the bytes to the document's key, so
    // the URL cannot touch them afterwards (S3 URLs cannot be revoked; they stay valid until expiry).
    const { url, headers } = await this.storage.presignPut(doc.stagingKey as string, {
      expiresInSeconds: ttl,
      contentType: dto.contentType,
      contentLength: dto.sizeBytes,
    });
    return { document: toDocumentResponse(doc), upload: { method: 'PUT', url, headers, expiresAt } };
  }

  /**
   * POST /documents/uploads/:id/confirm: the staged object must be there, of the declared size; it is
   * copied to the document's key (create-only), checked there and the document activated. Confirming
   * again answers the active document; later PUTs to the URL only reach the staging key.
   */
  async confirmDirectUpload(t: Tenant, id: string, meta: RequestMeta): Promise<DocumentResponse> {
    const doc = await this.tenant.run(scopeOf(t), async (m) => {
      const found = await this.access.visible(m, t, id);
      if (found.uploadedByUserId !== t.userId) this.access.requireManage(t, found.category);
      return found;
    });
    if (doc.status === 'active') return toDocumentResponse(doc);
    if (!doc.stagingKey) throw new DocumentError(DocumentErrorCode.NotPending, 'This is not a direct upload');
    const info = await this.storage.head(doc.stagingKey);
    if (!info) {
      // A concurrent confirm may have finished (and removed the staging copy) meanwhile.
      const now = await this.activeTwin(t, id);
      if (now) return toDocumentResponse(now);
      throw new DocumentError(DocumentErrorCode.ObjectMissing, 'Nothing was uploaded to the URL yet');
    }
    if (info.size !== doc.sizeBytes) {
      await this.storage.delete(doc.stagingKey);
      throw sizeMismatch(info.size, doc.sizeBytes);
    }
    try {
      await this.storage.copy(doc.stagingKey, doc.objectKey, {
        contentType: doc.contentType,
        ifAbsent: true,
      });
    } catch (err) {
      if (err instanceof ObjectNotFoundError) {
        // A concurrent confirm activated the document and removed the staging copy after our head().
        const now = await this.activeTwin(t, id);
        if (now) return toDocumentResponse(now);
        throw new DocumentError(DocumentErrorCode.ObjectMissing, 'Nothing was uploaded to the URL yet');
      }
      // An earlier confirm copied and then failed: check what it copied.
      if (!(err instanceof ObjectExistsError)) throw err;
    }
    const copied = await this.storage.head(doc.objectKey);
    if (copied?.size !== doc.sizeBytes) {
      await this.storage.delete(doc.objectKey);
      throw sizeMismatch(copied?.size ?? 0, doc.sizeBytes);
    }
    let stored: { contentType: string; sha256: string | null };
    try {
      stored = await this.checkStored(doc, { hash: false });
    } catch (err) {
      // Refused bytes leave nothing behind; the client uploads again with a new URL.
      if (err instanceof DocumentError) await this.storage.delete(doc.stagingKey).catch(() => undefined);
      throw err;
    }
    // Two confirms of one upload race to here: the document row is locked, the second finds it active
    // and answers the same document instead of 409 (confirming is idempotent).
    const { active, twin } = await this.tenant.run(scopeOf(t), async (m) => {
      const locked = await this.documents.findForUpdate(m, t.organizationId, id);
      if (locked?.status === 'active') return { active: locked, twin: true };
      return {
        active: await this.activateIn(m, t, id, { ...stored, sizeBytes: doc.sizeBytes }, meta),
        twin: false,
      };
    });
    if (!twin) await this.afterActivation(active);
    // Best effort: the clean-up deletes the staging key once the URL has expired in any case.
    await this.storage.delete(doc.stagingKey).catch(() => undefined);
    return toDocumentResponse(active);
  }

  /** The document, if a concurrent confirm already activated it. */
  private activeTwin(t: Tenant, id: string): Promise<Document | null> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const now = await this.documents.findById(m, t.organizationId, id);
      return now?.status === 'active' ? now : null;
    });
  }

  /**
   * Sniffs stored bytes (and hashes them when asked); the object is removed when they are not
   * an allowed type, or not an image for a photo.
   */
  async checkStored(
    doc: Document,
    options: { hash: boolean },
  ): Promise<{ contentType: string; sha256: string | null }> {
    try {
      const stored = await inspectStoredObject(this.storage, doc.objectKey, options);
      if (doc.category === 'photo' && !IMAGE_TYPES.includes(stored.contentType)) throw photoMustBeImage();
      return stored;
    } catch (err) {
      if (err instanceof DocumentError) await this.storage.delete(doc.objectKey).catch(() => undefined);
      throw err;
    }
  }

  /** A pending document (its bytes come later), audited as created. */
  async createPending(
    m: EntityManager,
    t: Tenant,
    metadata: DocumentMetadataDto,
    file: { fileName: string; sizeBytes: number; contentType: string },
    meta: RequestMeta,
    direct?: { staged: true; stagingExpiresAt: Date },
  ): Promise<Document> {
    const id = randomUUID();
    const fileName = displayName(file.fileName);
    const created = await this.createDocument(m, t, metadata, {
      id,
      fileName,
      objectKey: objectKey(t.organizationId, id, fileName),
      status: 'pending',
      contentType: file.contentType,
      sizeBytes: file.sizeBytes,
      ...(direct
        ? { stagingKey: stagingKey(t.organizationId, id), stagingExpiresAt: direct.stagingExpiresAt }
        : {}),
    });
    await this.audit.recordChange(
      m,
      t,
      meta,
      { type: 'document', id, verb: 'created' },
      null,
      documentSnapshot(created),
    );
    return created;
  }

  /** Turns a pending document active with what its stored bytes turned out to be. */
  async activate(t: Tenant, id: string, content: StoredContent, meta: RequestMeta): Promise<Document> {
    const doc = await this.tenant.run(scopeOf(t), (m) => this.activateIn(m, t, id, content, meta));
    await this.afterActivation(doc);
    return doc;
  }

  /** activate() inside the caller's transaction; call afterActivation() once it committed. */
  async activateIn(
    m: EntityManager,
    t: Tenant,
    id: string,
    content: StoredContent,
    meta: RequestMeta,
  ): Promise<Document> {
    const before = await this.documents.findForUpdate(m, t.organizationId, id);
    if (!before) throw documentNotFound();
    if (before.status !== 'pending')
      throw new DocumentError(DocumentErrorCode.NotPending, 'The document is already active');
    await this.documents.update(m, t.organizationId, id, {
      status: 'active',
      contentType: content.contentType,
      sizeBytes: content.sizeBytes,
      sha256: content.sha256,
      textStatus: textStatusFor(content.contentType),
    });
    const after = (await this.documents.findById(m, t.organizationId, id)) as Document;
    await this.audit.recordChange(
      m,
      t,
      meta,
      { type: 'document', id, verb: 'activated' },
      documentSnapshot(before),
      documentSnapshot(after),
    );
    return after;
  }

  private async checkMetadata(m: EntityManager, t: Tenant, metadata: DocumentMetadataDto): Promise<void> {
    await this.access.requireUpload(m, t, metadata);
    await this.access.place(m, t, metadata, metadata.visibility);
    if (metadata.previousVersionId) await this.access.previousVersion(m, t, metadata.previousVersionId);
  }

  private async createDocument(
    m: EntityManager,
    t: Tenant,
    metadata: DocumentMetadataDto,
    file: Partial<Document> & { fileName: string },
  ): Promise<Document> {
    await this.access.requireUpload(m, t, metadata);
    const place = await this.access.place(m, t, metadata, metadata.visibility);
    if (metadata.previousVersionId) await this.access.previousVersion(m, t, metadata.previousVersionId);
    return this.documents.create(m, t.organizationId, {
      ...file,
      ...place,
      title: metadata.title ?? (file.fileName.replace(/\.[^.]*$/, '') || file.fileName).slice(0, 200),
      category: metadata.category,
      visibility: metadata.visibility ?? 'managers',
      previousVersionId: metadata.previousVersionId ?? null,
      uploadedByUserId: t.userId,
    });
  }

  /** What follows a committed activation: queueing the text extraction. */
  async afterActivation(doc: Document): Promise<void> {
    if (doc.textStatus === 'pending') await this.jobs.extractText(doc.organizationId, doc.id);
  }
}

function sizeMismatch(arrived: number, announced: number): DocumentError {
  return new DocumentError(
    DocumentErrorCode.SizeMismatch,
    `${arrived} bytes arrived, ${announced} were announced: upload again`,
  );
}

export function textStatusFor(contentType: string): DocumentTextStatus {
  return TEXT_TYPES.includes(contentType) ? 'pending' : 'not_applicable';
}

/** The client's file name for showing and downloading: its last path segment, without control characters. */
export function displayName(clientFileName: string): string {
  const name = (clientFileName.split(/[/\\]/).pop() ?? '')
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 255);
  return name || 'file';
}

async function validForm(fields: Record<string, string>): Promise<UploadDocumentFormDto> {
  const form = plainToInstance(UploadDocumentFormDto, fields);
  const errors = await validate(form, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0) throw new ValidationFailedError(toErrorDetails(errors));
  return form;
}
