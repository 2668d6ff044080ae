import { Injectable } from '@nestjs/common';
import { type UploadChunk, type UploadSession } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import {
  InvalidUploadError,
  MAX_PART_NUMBER,
  ObjectExistsError,
  ObjectStorage,
  UploadNotFoundError,
} from '@ppt/storage';
import type { Request } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { DocumentsEnv } from '../documents/documents.env';
import type { RequestMeta } from '@ppt/api-shared';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { DocumentIntake } from '../documents/document-intake.service';
import { toDocumentResponse } from '../documents/documents.service';
import { failWhenClientLeaves } from '../documents/multipart-form';
import { DocumentError } from '../documents/documents.errors';
import { DocumentsRepository } from '../documents/documents.repository';
import type { DocumentResponse } from '../documents/dto/document.dto';
import type { StartUploadDto, UploadStatusResponse } from './dto/upload.dto';
import { UploadError, UploadErrorCode } from './uploads.errors';
import { UploadsRepository } from './uploads.repository';

/** A chunk's claim outlives its time limit by this much, so a cut-off write has ended before a takeover. */
const CLAIM_MARGIN_S = 60;

/** Stored while the real type is unknown; downloads name the sniffed type (presigned response type). */
const UNKNOWN_TYPE = 'application/octet-stream';

/**
 * Resumable uploads: a file announced with its size and chunk size, sent in numbered chunks in any
 * order (each checked against its SHA-256 and stored at once as a part of a multipart upload, so
 * nothing is held in memory or copied later), then completed: the storage joins the parts, the bytes
 * are sniffed (and hashed when the client gave a SHA-256) and the pending document becomes active.
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly uploads: UploadsRepository,
    private readonly documents: DocumentsRepository,
    private readonly intake: DocumentIntake,
    private readonly storage: ObjectStorage,
    private readonly env: DocumentsEnv,
  ) {}

  start(t: Tenant, dto: StartUploadDto, meta: RequestMeta): Promise<UploadStatusResponse> {
    if (dto.sizeBytes > this.env.UPLOAD_MAX_BYTES) {
      throw new UploadError(
        UploadErrorCode.TooLarge,
        `The file is larger than ${this.env.UPLOAD_MAX_BYTES} bytes`,
      );
    }
    const chunkCount = Math.ceil(dto.sizeBytes / dto.chunkSizeBytes);
    if (chunkCount > MAX_PART_NUMBER) {
      throw new UploadError(
        UploadErrorCode.TooManyChunks,
        `At most ${MAX_PART_NUMBER} chunks: choose larger chunks`,
      );
    }
    return this.tenant.run(scopeOf(t), async (m) => {
      const doc = await this.intake.createPending(
        m,
        t,
        dto,
        { fileName: dto.fileName, sizeBytes: dto.sizeBytes, contentType: UNKNOWN_TYPE },
        meta,
      );
      const storageUploadId = await this.storage.createMultipart(doc.objectKey, UNKNOWN_TYPE);
      const session = await this.uploads.create(m, t.organizationId, {
        documentId: doc.id,
        createdByUserId: t.userId,
        sizeBytes: dto.sizeBytes,
        chunkSizeBytes: dto.chunkSizeBytes,
        chunkCount,
        sha256: dto.sha256 ?? null,
        storageUploadId,
        status: 'open',
        expiresAt: this.expiry(),
      });
      return toStatus(session, doc.fileName, []);
    });
  }

  status(t: Tenant, id: string): Promise<UploadStatusResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const session = await this.mustFind(m, t, id);
      return this.statusOf(m, t, session);
    });
  }

  /**
   * Stores chunk `n` as part `n`. Sending a received chunk again with the same SHA-256 changes
   * nothing; a chunk whose bytes do not match the SHA-256 sent with it is refused (422) and can be
   * sent again. The part is claimed first: while one request stores it, another gets 409
   * CHUNK_IN_PROGRESS, and a received chunk is never written again — so a corrupt resend racing a good
   * one cannot replace the part the good one recorded.
   */
  async putChunk(
    t: Tenant,
    id: string,
    n: number,
    req: Request,
    declaredSha256: string | undefined,
  ): Promise<UploadStatusResponse> {
    const sha256 = declaredSha256?.toLowerCase();
    const { session, fileName, objectKey, received } = await this.tenant.run(scopeOf(t), async (m) => {
      const found = await this.mustFind(m, t, id);
      const doc = await this.documents.findById(m, t.organizationId, found.documentId);
      if (!doc) throw notFound();
      return {
        session: found,
        fileName: doc.fileName,
        objectKey: doc.objectKey,
        received: await this.uploads.received(m, t.organizationId, id, n),
      };
    });
    if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new UploadError(
        UploadErrorCode.ChecksumMissing,
        'Send the chunk’s SHA-256 (hex) in X-Chunk-Sha256',
      );
    }
    // Checked before the upload's state: a retry of a chunk that made it is harmless even after completion.
    if (received) return this.alreadyReceived(t, req, session, fileName, received, sha256);
    if (session.status !== 'open') throw notOpen();
    if (!Number.isInteger(n) || n < 1 || n > session.chunkCount) {
      throw new UploadError(
        UploadErrorCode.ChunkOutOfRange,
        `Chunks are numbered 1 to ${session.chunkCount}`,
      );
    }
    const expected =
      n < session.chunkCount
        ? session.chunkSizeBytes
        : session.sizeBytes - session.chunkSizeBytes * (session.chunkCount - 1);
    const declaredLength = req.headers['content-length'];
    if (declaredLength !== undefined && Number(declaredLength) !== expected) {
      throw sizeMismatch(n, expected);
    }

    const claim = { uploadId: id, chunkNumber: n, claimId: randomUUID() };
    const timeoutS = this.env.UPLOAD_CHUNK_TIMEOUT_S;
    const outcome = await this.tenant.run(scopeOf(t), async (m) => {
      const locked = await this.uploads.findForUpdate(m, t.organizationId, id);
      if (locked?.status !== 'open') throw notOpen();
      return this.uploads.claim(m, t.organizationId, {
        ...claim,
        sizeBytes: expected,
        seconds: timeoutS + CLAIM_MARGIN_S,
      });
    });
    if (!outcome.claimed) {
      if (outcome.received) return this.alreadyReceived(t, req, session, fileName, outcome.received, sha256);
      req.resume();
      throw new UploadError(
        UploadErrorCode.ChunkInProgress,
        `Chunk ${n} is being received by another request: ask GET /uploads/${id} and send it again if it is still missing`,
      );
    }
    const release = () =>
      this.tenant
        .run(scopeOf(t), (m) => this.uploads.release(m, t.organizationId, claim))
        .catch(() => undefined); // an unreleased claim runs out on its own

    const hash = createHash('sha256');
    async function* hashed(): AsyncGenerator<Buffer> {
      for await (const chunk of req) {
        hash.update(chunk as Buffer);
        yield chunk as Buffer;
      }
    }
    const body = Readable.from(hashed(), { objectMode: false });
    failWhenClientLeaves(req, body);
    // The claim outlives this by CLAIM_MARGIN_S: a write still running when it could be taken over is cut off.
    const deadline = setTimeout(
      () => body.destroy(new Error(`chunk ${n} took longer than ${timeoutS} s`)),
      timeoutS * 1000,
    );
    let etag: string;
    try {
      etag = await this.storage.putPart(objectKey, session.storageUploadId, n, body, expected);
    } catch (err) {
      req.resume(); // whatever is left of the body is of no use now
      await release();
      if (err instanceof InvalidUploadError) throw sizeMismatch(n, expected);
      if (err instanceof UploadNotFoundError) throw notOpen();
      throw err;
    } finally {
      clearTimeout(deadline);
    }
    if (hash.digest('hex') !== sha256) {
      await release();
      throw new UploadError(
        UploadErrorCode.ChunkChecksumMismatch,
        `Chunk ${n} does not match its SHA-256: send it again`,
      );
    }
    return this.tenant.run(scopeOf(t), async (m) => {
      const locked = await this.uploads.findForUpdate(m, t.organizationId, id);
      if (locked?.status !== 'open') throw notOpen();
      if (!(await this.uploads.record(m, t.organizationId, { ...claim, sha256, etag }))) {
        throw new UploadError(UploadErrorCode.ChunkConflict, `Chunk ${n} was taken over: send it again`);
      }
      await this.uploads.update(m, t.organizationId, id, { expiresAt: this.expiry() });
      return this.statusOf(m, t, { ...locked, expiresAt: this.expiry() }, fileName);
    });
  }

  /**
   * Joins the parts in storage and activates the document: the document turns active and the upload
   * `completed` in one transaction. Completing twice answers the same. Only a problem with the content
   * (its type, its SHA-256) fails the upload; storage trouble leaves it open, to complete again.
   */
  async complete(t: Tenant, id: string, meta: RequestMeta): Promise<DocumentResponse> {
    const { session, doc, chunks } = await this.tenant.run(scopeOf(t), async (m) => {
      const found = await this.mustFind(m, t, id);
      const document = await this.documents.findById(m, t.organizationId, found.documentId);
      if (!document) throw notFound();
      return { session: found, doc: document, chunks: await this.uploads.chunks(m, t.organizationId, id) };
    });
    if (session.status === 'completed') return toDocumentResponse(doc);
    if (session.status !== 'open') throw notOpen();
    const missing = missingChunks(session.chunkCount, chunks);
    if (missing.length > 0) {
      throw new UploadError(UploadErrorCode.Incomplete, `${missing.length} chunk(s) missing`, [
        { field: 'missingChunks', message: missing.join(',') },
      ]);
    }
    let stored: { contentType: string; sha256: string | null };
    try {
      try {
        await this.storage.completeMultipart(
          doc.objectKey,
          session.storageUploadId,
          chunks.map((c) => ({ partNumber: c.chunkNumber, etag: c.etag as string })),
          { ifAbsent: true },
        );
      } catch (err) {
        // A complete that joined the parts but failed afterwards may be retried: the object is there.
        const joinedBefore =
          (err instanceof UploadNotFoundError || err instanceof ObjectExistsError) &&
          (await this.storage.head(doc.objectKey));
        if (!joinedBefore) throw err;
      }
      stored = await this.intake.checkStored(doc, { hash: session.sha256 !== null });
      if (session.sha256 && stored.sha256 !== session.sha256) {
        await this.storage.delete(doc.objectKey);
        throw new UploadError(
          UploadErrorCode.FileChecksumMismatch,
          'The assembled file does not match the announced SHA-256',
        );
      }
    } catch (err) {
      if (!isContentProblem(err)) throw storageUnavailable(err);
      await this.tenant.run(scopeOf(t), (m) =>
        this.uploads.update(m, t.organizationId, id, { status: 'failed' }),
      );
      throw err;
    }
    const active = await this.tenant.run(scopeOf(t), async (m) => {
      const locked = await this.uploads.findForUpdate(m, t.organizationId, id);
      if (!locked) throw notFound();
      if (locked.status === 'completed') {
        return (await this.documents.findById(m, t.organizationId, doc.id)) ?? doc; // a twin won the race
      }
      if (locked.status !== 'open') throw notOpen();
      const activated = await this.intake.activateIn(
        m,
        t,
        doc.id,
        { ...stored, sizeBytes: session.sizeBytes },
        meta,
      );
      await this.uploads.update(m, t.organizationId, id, { status: 'completed' });
      return activated;
    });
    await this.intake.afterActivation(active);
    return toDocumentResponse(active);
  }

  /** A chunk sent again: harmless with the bytes it was received with, a conflict with others. */
  private alreadyReceived(
    t: Tenant,
    req: Request,
    session: UploadSession,
    fileName: string,
    received: UploadChunk,
    sha256: string,
  ): Promise<UploadStatusResponse> {
    req.resume(); // already stored: the bytes are not needed again
    if (received.sha256 !== sha256) {
      throw new UploadError(
        UploadErrorCode.ChunkConflict,
        `Chunk ${received.chunkNumber} was received with other content`,
      );
    }
    return this.tenant.run(scopeOf(t), async (m) => this.statusOf(m, t, session, fileName));
  }

  private async mustFind(m: EntityManager, t: Tenant, id: string): Promise<UploadSession> {
    const session = await this.uploads.find(m, t.organizationId, id, t.userId);
    if (!session) throw notFound();
    return session;
  }

  private async statusOf(
    m: EntityManager,
    t: Tenant,
    session: UploadSession,
    fileName?: string,
  ): Promise<UploadStatusResponse> {
    const name =
      fileName ?? (await this.documents.findAny(m, t.organizationId, session.documentId))?.fileName ?? '';
    return toStatus(session, name, await this.uploads.chunks(m, t.organizationId, session.id));
  }

  private expiry(): Date {
    return new Date(Date.now() + this.env.UPLOAD_ABANDONED_AFTER_S * 1000);
  }
}

function missingChunks(chunkCount: number, chunks: UploadChunk[]): number[] {
  const received = new Set(chunks.map((c) => c.chunkNumber));
  return Array.from({ length: chunkCount }, (_, i) => i + 1).filter((n) => !received.has(n));
}

function toStatus(session: UploadSession, fileName: string, chunks: UploadChunk[]): UploadStatusResponse {
  const receivedBytes = chunks.reduce((sum, c) => sum + c.sizeBytes, 0);
  return {
    id: session.id,
    documentId: session.documentId,
    status: session.status,
    fileName,
    sizeBytes: session.sizeBytes,
    chunkSizeBytes: session.chunkSizeBytes,
    chunkCount: session.chunkCount,
    receivedChunks: chunks.map((c) => c.chunkNumber),
    missingChunks: missingChunks(session.chunkCount, chunks),
    receivedBytes,
    percentage: Math.floor((receivedBytes / session.sizeBytes) * 10_000) / 100,
    sha256: session.sha256,
    expiresAt: session.expiresAt,
    createdAt: session.createdAt,
  };
}

/** What fails an upload for good: the bytes are not an allowed type, or not what was announced. */
function isContentProblem(err: unknown): boolean {
  return err instanceof DocumentError || err instanceof UploadError;
}

/** Storage or network trouble while completing: the upload stays open, and complete may be sent again. */
function storageUnavailable(err: unknown): UploadError {
  return new UploadError(
    UploadErrorCode.StorageUnavailable,
    `The storage did not answer (${err instanceof Error ? err.message : String(err)}): complete the upload again`,
  );
}

function notFound(): UploadError {
  return new UploadError(UploadErrorCode.NotFound, 'Upload not found');
}

function notOpen(): UploadError {
  return new UploadError(UploadErrorCode.NotOpen, 'The upload is no longer open');
}

function sizeMismatch(n: number, expected: number): UploadError {
  return new UploadError(UploadErrorCode.ChunkSizeMismatch, `Chunk ${n} must be exactly ${expected} bytes`);
}
