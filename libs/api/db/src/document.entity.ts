import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Building } from './building.entity';
import { Fault } from './fault.entity';
import { Lease } from './lease.entity';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';

export const DOCUMENT_CATEGORIES = [
  'contract',
  'invoice',
  'minutes',
  'photo',
  'signed',
  'report',
  'plan',
  'other',
] as const;
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];

/**
 * Who besides staff may read a document: nobody; the owners (of its unit, or of its building); the
 * current tenants and owners of its unit (a lease PDF); every resident of its building; or every
 * member of the organisation, realtors included (an energy certificate a listing needs).
 */
export const DOCUMENT_VISIBILITIES = ['managers', 'owners', 'unit', 'residents', 'public'] as const;
export type DocumentVisibility = (typeof DOCUMENT_VISIBILITIES)[number];

/** pending: the bytes are still on their way (direct or resumable upload); active: stored and checked. */
export const DOCUMENT_STATUSES = ['pending', 'active'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const DOCUMENT_TEXT_STATUSES = [
  'not_applicable',
  'pending',
  'extracted',
  'failed',
  'skipped',
] as const;
export type DocumentTextStatus = (typeof DOCUMENT_TEXT_STATUSES)[number];

export const UPLOAD_STATUSES = ['open', 'completed', 'failed'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

/** Byte counts are bigint (files may pass 2 GiB); they stay below 2^53. */
const byteCount = { to: (v: number) => v, from: (v: string) => Number(v) };

/**
 * A file of the organisation (contract, invoice, minutes, photo, …) in object storage under
 * `objectKey`, with its metadata, links, visibility and, once signed, its signature record. Deleting
 * is soft (deletedAt); a job removes the object afterwards (objectRemovedAt).
 */
@Entity('documents')
@Index('uq_documents_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_documents_org_created', ['organizationId', 'createdAt'])
@Index('ix_documents_org_building', ['organizationId', 'buildingId'])
@Index('ix_documents_org_unit', ['organizationId', 'unitId'])
@Index('ix_documents_org_lease', ['organizationId', 'leaseId'])
@Index('ix_documents_org_fault', ['organizationId', 'faultId'])
@Index('ix_documents_org_previous_version', ['organizationId', 'previousVersionId'])
@Index('ix_documents_org_staging_expires', ['organizationId', 'stagingExpiresAt'], {
  where: 'staging_key IS NOT NULL',
})
// Links are NO ACTION (checked at the end of the statement): a linked row cannot be deleted while a
// document points at it, yet deleting the whole organisation cascades cleanly.
@Index('ix_documents_title_trgm', { synchronize: false })
export class Document extends TenantEntity {
  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'enum', enum: DOCUMENT_CATEGORIES, enumName: 'document_category' })
  category!: DocumentCategory;

  @Column({ type: 'enum', enum: DOCUMENT_VISIBILITIES, enumName: 'document_visibility', default: 'managers' })
  visibility!: DocumentVisibility;

  @Column({ type: 'enum', enum: DOCUMENT_STATUSES, enumName: 'document_status' })
  status!: DocumentStatus;

  @Column({ type: 'uuid', nullable: true })
  buildingId!: string | null;

  @ManyToOne(() => Building, { onDelete: 'NO ACTION' })
  @JoinColumn(sameOrganization('building_id'))
  building?: Building;

  @Column({ type: 'uuid', nullable: true })
  unitId!: string | null;

  @ManyToOne(() => Unit, { onDelete: 'NO ACTION' })
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'uuid', nullable: true })
  leaseId!: string | null;

  @ManyToOne(() => Lease, { onDelete: 'NO ACTION' })
  @JoinColumn(sameOrganization('lease_id'))
  lease?: Lease;

  @Column({ type: 'uuid', nullable: true })
  faultId!: string | null;

  @ManyToOne(() => Fault, { onDelete: 'NO ACTION' })
  @JoinColumn(sameOrganization('fault_id'))
  fault?: Fault;

  /** The document this one is a new version of (signed documents change only this way). */
  @Column({ type: 'uuid', nullable: true })
  previousVersionId!: string | null;

  @ManyToOne(() => Document, { onDelete: 'NO ACTION' })
  @JoinColumn(sameOrganization('previous_version_id'))
  previousVersion?: Document;

  /** The name the client gave the file: shown and offered as the download name, never used as a path. */
  @Column({ type: 'varchar', length: 255 })
  fileName!: string;

  @Column({ type: 'varchar', length: 1024 })
  objectKey!: string;

  /** Sniffed from the bytes once stored (pending documents: what the client declared, if anything). */
  @Column({ type: 'varchar', length: 100 })
  contentType!: string;

  @Column({ type: 'bigint', transformer: byteCount })
  sizeBytes!: number;

  /** SHA-256 of the stored bytes (hex), when known: streamed uploads, verified uploads, signing. */
  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ type: 'uuid', nullable: true })
  uploadedByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'uploaded_by_user_id' })
  uploadedBy?: User;

  @Column({ type: 'timestamptz', nullable: true })
  signedAt!: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  signerName!: string | null;

  /** Who recorded the signature. */
  @Column({ type: 'uuid', nullable: true })
  signedByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'signed_by_user_id' })
  signedBy?: User;

  @Column({
    type: 'enum',
    enum: DOCUMENT_TEXT_STATUSES,
    enumName: 'document_text_status',
    default: 'not_applicable',
  })
  textStatus!: DocumentTextStatus;

  /** Plain text of PDF, DOCX and TXT files, for search and the assistant; loaded only when asked for. */
  @Column({ type: 'text', nullable: true, select: false })
  extractedText?: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  objectRemovedAt!: Date | null;

  /**
   * Direct uploads: where the presigned PUT writes (never `objectKey`); confirm copies it over. Kept
   * until the URL expires (`stagingExpiresAt`), then the clean-up deletes whatever was put there.
   */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  stagingKey!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  stagingExpiresAt!: Date | null;

  /** Local driver: when its single PUT to the staging URL was accepted (the URL is spent then). */
  @Column({ type: 'timestamptz', nullable: true })
  stagingPutAt!: Date | null;
}

/**
 * A resumable upload: the client sends the file in numbered chunks (any order, again if needed), each
 * stored at once as a part of a multipart upload in object storage; completing joins them there.
 */
@Entity('upload_sessions')
@Index('uq_upload_sessions_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_upload_sessions_org_document', ['organizationId', 'documentId'])
@Index('ix_upload_sessions_org_status_expires', ['organizationId', 'status', 'expiresAt'])
export class UploadSession extends TenantEntity {
  /** The pending document the upload becomes. */
  @Column({ type: 'uuid' })
  documentId!: string;

  @ManyToOne(() => Document, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('document_id'))
  document?: Document;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;

  @Column({ type: 'bigint', transformer: byteCount })
  sizeBytes!: number;

  @Column({ type: 'integer' })
  chunkSizeBytes!: number;

  @Column({ type: 'integer' })
  chunkCount!: number;

  /** SHA-256 of the whole file the client announced; checked on completion. */
  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  /** The object storage's multipart upload id. */
  @Column({ type: 'varchar', length: 1024 })
  storageUploadId!: string;

  @Column({ type: 'enum', enum: UPLOAD_STATUSES, enumName: 'upload_status', default: 'open' })
  status!: UploadStatus;

  /** Moved forward by every received chunk; an open upload past it is abandoned and cleaned up. */
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}

/**
 * A chunk of a resumable upload: received (sha256 and etag: what the storage answered for its part),
 * or claimed by a request that is storing it (claimId, until receivingUntil) — one writer per part.
 */
@Entity('upload_chunks')
@Index('uq_upload_chunks_org_upload_number', ['organizationId', 'uploadId', 'chunkNumber'], { unique: true })
@Check('ck_upload_chunks_received', '(etag IS NULL) = (sha256 IS NULL)')
@Check(
  'ck_upload_chunks_claimed',
  'etag IS NOT NULL OR (claim_id IS NOT NULL AND receiving_until IS NOT NULL)',
)
export class UploadChunk extends TenantRecord {
  @Column({ type: 'uuid' })
  uploadId!: string;

  @ManyToOne(() => UploadSession, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('upload_id'))
  upload?: UploadSession;

  /** 1-based, as S3 part numbers. */
  @Column({ type: 'integer' })
  chunkNumber!: number;

  @Column({ type: 'integer' })
  sizeBytes!: number;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  etag!: string | null;

  @Column({ type: 'uuid', nullable: true })
  claimId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  receivingUntil!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
