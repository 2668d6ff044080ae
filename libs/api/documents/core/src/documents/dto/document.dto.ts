import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import {
  DOCUMENT_CATEGORIES,
  DOCUMENT_STATUSES,
  DOCUMENT_TEXT_STATUSES,
  DOCUMENT_VISIBILITIES,
  type DocumentCategory,
  type DocumentStatus,
  type DocumentTextStatus,
  type DocumentVisibility,
} from '@ppt/api-db';
import { IsOmittable, PageResponse, Trim, UpdateType } from '@ppt/http';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxDate,
  Min,
} from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { ListQueryDto, sortOptions } from '@ppt/api-shared';

/** Example ids of the documents feature (the contract of the example lease, and its earlier version). */
export const EXAMPLE_DOCUMENT = {
  id: '1c3e5a7c-9e1b-4d3f-a5c7-e9b1d3f5a7c9',
  previous: '4a6c8e0a-2c4e-4a6c-8e0a-2c4e6a8c0e2f',
  lease: '8b0d2f4a-6c8e-4b0d-9f4a-6c8e0b2d4f6a',
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  fileName: 'Nájemní smlouva 2026.pdf',
  key: `org/${EXAMPLE_ID.organization}/documents/1c3e5a7c-9e1b-4d3f-a5c7-e9b1d3f5a7c9/Najemni-smlouva-2026.pdf`,
} as const;

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

/** What describes a document besides its bytes: given with every way of uploading one. */
export class DocumentMetadataDto {
  @ApiPropertyOptional({ example: 'Lease agreement 2026, flat 12', description: 'Default: the file name' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiProperty({ enum: DOCUMENT_CATEGORIES, example: 'contract' })
  @IsIn(DOCUMENT_CATEGORIES)
  category!: DocumentCategory;

  @ApiPropertyOptional({
    enum: DOCUMENT_VISIBILITIES,
    default: 'managers',
    example: 'owners',
    description:
      'managers: staff only; owners: owners of the unit (or of the building when no unit); residents: everyone living in or owning a unit of the building',
  })
  @IsOmittable()
  @IsIn(DOCUMENT_VISIBILITIES)
  visibility?: DocumentVisibility;

  @ApiPropertyOptional({
    example: EXAMPLE_ID.building,
    description: 'Derived from the unit, lease or fault when omitted',
  })
  @IsOptional()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.unit })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_DOCUMENT.lease })
  @IsOptional()
  @IsUUID()
  leaseId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.fault })
  @IsOptional()
  @IsUUID()
  faultId?: string;

  @ApiPropertyOptional({
    example: EXAMPLE_DOCUMENT.previous,
    description: 'Upload as a new version of this document (the way to change a signed one)',
  })
  @IsOptional()
  @IsUUID()
  previousVersionId?: string;
}

/** The form fields of `POST /documents` (multipart/form-data): the metadata, then the `file` part last. */
export class UploadDocumentFormDto extends DocumentMetadataDto {}

/** Metadata changes; a link set to null is removed. */
export class UpdateDocumentDto extends UpdateType(
  PickType(DocumentMetadataDto, ['title', 'category', 'visibility'] as const),
) {
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.building })
  @IsOptional()
  @IsUUID()
  buildingId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.unit })
  @IsOptional()
  @IsUUID()
  unitId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_DOCUMENT.lease })
  @IsOptional()
  @IsUUID()
  leaseId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.fault })
  @IsOptional()
  @IsUUID()
  faultId?: string | null;
}

export class CreateDirectUploadDto extends DocumentMetadataDto {
  @ApiProperty({ example: EXAMPLE_DOCUMENT.fileName })
  @IsString()
  @Length(1, 255)
  fileName!: string;

  @ApiProperty({ example: 482113, description: 'Exact size; the signed URL accepts only this many bytes' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  sizeBytes!: number;

  @ApiProperty({
    example: 'application/pdf',
    description: 'The type the client will send; the stored bytes are sniffed again on confirm',
  })
  @IsString()
  @Length(3, 100)
  contentType!: string;
}

export class SignDocumentDto {
  @ApiProperty({ example: 'Jana Nováková', description: 'Who signed' })
  @Trim()
  @IsString()
  @Length(1, 200)
  signerName!: string;

  @ApiPropertyOptional({ example: EXAMPLE_TIME.updated, description: 'When it was signed (default: now)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  @MaxDate(() => new Date(Date.now() + 60_000), { message: 'signedAt must not be in the future' })
  signedAt?: Date;
}

export class DownloadQueryDto {
  @ApiPropertyOptional({ description: 'Answer 302 to the URL instead of JSON', example: false })
  @IsOmittable()
  @Transform(toBoolean)
  @IsBoolean()
  redirect?: boolean;
}

export const DOCUMENT_SORTS = sortOptions(['createdAt', 'title', 'sizeBytes']);

export class ListDocumentsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: DOCUMENT_SORTS, default: '-createdAt' })
  @IsOmittable()
  @IsIn(DOCUMENT_SORTS)
  sort = '-createdAt';

  @ApiPropertyOptional({ enum: DOCUMENT_CATEGORIES })
  @IsOmittable()
  @IsIn(DOCUMENT_CATEGORIES)
  category?: DocumentCategory;

  @ApiPropertyOptional({ example: EXAMPLE_ID.building })
  @IsOptional()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.unit })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_DOCUMENT.lease })
  @IsOptional()
  @IsUUID()
  leaseId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.fault })
  @IsOptional()
  @IsUUID()
  faultId?: string;

  @ApiPropertyOptional({ description: 'Only signed (true) or unsigned (false) documents' })
  @IsOmittable()
  @Transform(toBoolean)
  @IsBoolean()
  signed?: boolean;
}

export class DocumentResponse {
  @ApiProperty({ example: EXAMPLE_DOCUMENT.id }) id!: string;
  @ApiProperty({ example: 'Lease agreement 2026, flat 12' }) title!: string;
  @ApiProperty({ enum: DOCUMENT_CATEGORIES, example: 'contract' }) category!: DocumentCategory;
  @ApiProperty({ enum: DOCUMENT_VISIBILITIES, example: 'owners' }) visibility!: DocumentVisibility;
  @ApiProperty({ enum: DOCUMENT_STATUSES, example: 'active', description: 'pending until the bytes arrived' })
  status!: DocumentStatus;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.building }) buildingId!:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.unit }) unitId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_DOCUMENT.lease }) leaseId!:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: null }) faultId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_DOCUMENT.previous })
  previousVersionId!: string | null;
  @ApiProperty({ example: EXAMPLE_DOCUMENT.fileName }) fileName!: string;
  @ApiProperty({ example: 'application/pdf', description: 'Sniffed from the stored bytes' })
  contentType!: string;
  @ApiProperty({ example: 482113 }) sizeBytes!: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_DOCUMENT.sha256 }) sha256!:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user }) uploadedByUserId!:
    string | null;
  @ApiProperty({ example: true, description: 'Signed documents are immutable: change them by a new version' })
  signed!: boolean;
  @ApiPropertyOptional({ type: Date, nullable: true, example: EXAMPLE_TIME.updated }) signedAt!: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Jana Nováková' }) signerName!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user }) signedByUserId!:
    string | null;
  @ApiProperty({ enum: DOCUMENT_TEXT_STATUSES, example: 'extracted' }) textStatus!: DocumentTextStatus;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class DocumentPageResponse extends PageResponse(DocumentResponse) {}

export class DocumentTextResponse {
  @ApiProperty({ example: EXAMPLE_DOCUMENT.id }) documentId!: string;
  @ApiProperty({ enum: DOCUMENT_TEXT_STATUSES, example: 'extracted' }) textStatus!: DocumentTextStatus;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'NÁJEMNÍ SMLOUVA\nPronajímatel: SVJ Vinohradská 12 …',
  })
  text!: string | null;
}

export class DownloadUrlResponse {
  @ApiProperty({
    example: `https://documents.example.com/${EXAMPLE_DOCUMENT.key}?X-Amz-Expires=900&X-Amz-Signature=…`,
    description: 'Presigned GET URL; anyone holding it can download until it expires',
  })
  url!: string;
  @ApiProperty({ example: '2026-11-21T14:20:12.000Z' }) expiresAt!: Date;
}

export class PresignedUploadResponse {
  @ApiProperty({ example: 'PUT' }) method!: 'PUT';
  @ApiProperty({
    example: `https://documents.example.com/${EXAMPLE_DOCUMENT.key}?X-Amz-Expires=900&X-Amz-Signature=…`,
  })
  url!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'Content-Type': 'application/pdf', 'Content-Length': '482113' },
    description: 'Send exactly these headers: they are part of the signature',
  })
  headers!: Record<string, string>;
  @ApiProperty({ example: '2026-11-21T14:20:12.000Z' }) expiresAt!: Date;
}

export class DirectUploadResponse {
  @ApiProperty({ type: DocumentResponse, description: 'The pending document' }) document!: DocumentResponse;
  @ApiProperty({ type: PresignedUploadResponse }) upload!: PresignedUploadResponse;
}
