import { Injectable } from '@nestjs/common';
import { UploadChunk, UploadSession } from '@ppt/api-db';
import { Not, IsNull, type EntityManager } from 'typeorm';

/** What claiming a chunk found: the claim, or the chunk as someone else left it. */
export type ChunkClaim = { claimed: true } | { claimed: false; received: UploadChunk | null };

/** Resumable upload sessions and their chunks, of one organisation (RLS backs the filter up). */
@Injectable()
export class UploadsRepository {
  create(m: EntityManager, organizationId: string, data: Partial<UploadSession>): Promise<UploadSession> {
    return m.save(m.create(UploadSession, { ...data, organizationId }));
  }

  /** A session of this user (others' sessions do not exist for them). */
  find(m: EntityManager, organizationId: string, id: string, userId: string): Promise<UploadSession | null> {
    return m.findOneBy(UploadSession, { organizationId, id, createdByUserId: userId });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<UploadSession | null> {
    return m.findOne(UploadSession, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(
    m: EntityManager,
    organizationId: string,
    id: string,
    changes: Partial<UploadSession>,
  ): Promise<void> {
    await m.update(UploadSession, { organizationId, id }, changes);
  }

  /** The received chunks (not the ones being received). */
  chunks(m: EntityManager, organizationId: string, uploadId: string): Promise<UploadChunk[]> {
    return m.find(UploadChunk, {
      where: { organizationId, uploadId, etag: Not(IsNull()) },
      order: { chunkNumber: 'ASC' },
    });
  }

  /** Chunk `chunkNumber` if it was received. */
  received(
    m: EntityManager,
    organizationId: string,
    uploadId: string,
    chunkNumber: number,
  ): Promise<UploadChunk | null> {
    return m.findOneBy(UploadChunk, { organizationId, uploadId, chunkNumber, etag: Not(IsNull()) });
  }

  /**
   * Claims chunk `chunkNumber` for one request until `seconds` from now: only one request at a time
   * stores a part, and never one that was received. A claim whose time ran out may be taken over.
   */
  async claim(
    m: EntityManager,
    organizationId: string,
    chunk: { uploadId: string; chunkNumber: number; sizeBytes: number; claimId: string; seconds: number },
  ): Promise<ChunkClaim> {
    const rows: unknown[] = await m.query(
      `INSERT INTO upload_chunks (organization_id, upload_id, chunk_number, size_bytes, claim_id, receiving_until)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
       ON CONFLICT (organization_id, upload_id, chunk_number) DO UPDATE
         SET claim_id = EXCLUDED.claim_id, receiving_until = EXCLUDED.receiving_until
         WHERE upload_chunks.etag IS NULL AND upload_chunks.receiving_until < now()
       RETURNING claim_id`,
      [organizationId, chunk.uploadId, chunk.chunkNumber, chunk.sizeBytes, chunk.claimId, chunk.seconds],
    );
    if (rows.length > 0) return { claimed: true };
    return {
      claimed: false,
      received: await this.received(m, organizationId, chunk.uploadId, chunk.chunkNumber),
    };
  }

  /** Turns a claim into a received chunk; false when the claim was lost (taken over after its time). */
  async record(
    m: EntityManager,
    organizationId: string,
    chunk: { uploadId: string; chunkNumber: number; claimId: string; sha256: string; etag: string },
  ): Promise<boolean> {
    const result = await m.update(
      UploadChunk,
      {
        organizationId,
        uploadId: chunk.uploadId,
        chunkNumber: chunk.chunkNumber,
        claimId: chunk.claimId,
        etag: IsNull(),
      },
      { sha256: chunk.sha256, etag: chunk.etag, claimId: null, receivingUntil: null },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Gives a claim up (the chunk failed): the chunk may be sent again at once. */
  async release(
    m: EntityManager,
    organizationId: string,
    chunk: { uploadId: string; chunkNumber: number; claimId: string },
  ): Promise<void> {
    await m.delete(UploadChunk, {
      organizationId,
      uploadId: chunk.uploadId,
      chunkNumber: chunk.chunkNumber,
      claimId: chunk.claimId,
      etag: IsNull(),
    });
  }
}
