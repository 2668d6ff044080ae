import { Injectable } from '@nestjs/common';
import { UploadChunk, UploadSession } from '@ppt/db';
import type { EntityManager } from 'typeorm';

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

  chunks(m: EntityManager, organizationId: string, uploadId: string): Promise<UploadChunk[]> {
    return m.find(UploadChunk, { where: { organizationId, uploadId }, order: { chunkNumber: 'ASC' } });
  }

  chunk(
    m: EntityManager,
    organizationId: string,
    uploadId: string,
    chunkNumber: number,
  ): Promise<UploadChunk | null> {
    return m.findOneBy(UploadChunk, { organizationId, uploadId, chunkNumber });
  }

  /** Records a received chunk; a chunk received again (same bytes) only refreshes its etag. */
  async saveChunk(m: EntityManager, organizationId: string, chunk: Partial<UploadChunk>): Promise<void> {
    await m
      .createQueryBuilder()
      .insert()
      .into(UploadChunk)
      .values({ ...chunk, organizationId })
      .orUpdate(['etag', 'sha256', 'size_bytes'], ['organization_id', 'upload_id', 'chunk_number'])
      .updateEntity(false)
      .execute();
  }
}
