import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UPLOAD_STATUSES, type UploadStatus } from '@ppt/api-db';
import { MIN_PART_SIZE_BYTES } from '@ppt/storage';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { EXAMPLE_DOCUMENT, DocumentMetadataDto } from '../../documents/dto/document.dto';

/** Largest chunk one request may carry (a request streams it, but a retry resends all of it). */
export const MAX_CHUNK_BYTES = 512 * 1024 * 1024;
const EXAMPLE_UPLOAD_ID = '3e5a7c9e-1b3d-4f5a-8c9e-1b3d5f7a9c1e';
const EXAMPLE_SHA256 = 'a3f1c9d2e4b5a6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1';

export class StartUploadDto extends DocumentMetadataDto {
  @ApiProperty({ example: 'Building passport 2026.pdf' })
  @IsString()
  @Length(1, 255)
  fileName!: string;

  @ApiProperty({ example: 734003200, description: 'Whole file, at most UPLOAD_MAX_BYTES (default 2 GiB)' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  sizeBytes!: number;

  @ApiProperty({
    example: 8388608,
    description: `Every chunk but the last has exactly this size: at least ${MIN_PART_SIZE_BYTES} (5 MiB, S3's smallest part)`,
  })
  @IsInt()
  @Min(MIN_PART_SIZE_BYTES)
  @Max(MAX_CHUNK_BYTES)
  chunkSizeBytes!: number;

  @ApiPropertyOptional({
    example: EXAMPLE_SHA256,
    description: 'SHA-256 of the whole file (hex), verified on completion',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 hex digits' })
  sha256?: string;
}

export class UploadStatusResponse {
  @ApiProperty({ example: EXAMPLE_UPLOAD_ID }) id!: string;
  @ApiProperty({ example: EXAMPLE_DOCUMENT.id, description: 'The document the upload becomes' })
  documentId!: string;
  @ApiProperty({ enum: UPLOAD_STATUSES, example: 'open' }) status!: UploadStatus;
  @ApiProperty({ example: 'Building passport 2026.pdf' }) fileName!: string;
  @ApiProperty({ example: 734003200 }) sizeBytes!: number;
  @ApiProperty({ example: 8388608 }) chunkSizeBytes!: number;
  @ApiProperty({ example: 88 }) chunkCount!: number;
  @ApiProperty({ type: [Number], example: [1, 2, 3, 5] }) receivedChunks!: number[];
  @ApiProperty({ type: [Number], example: [4, 6, 7] }) missingChunks!: number[];
  @ApiProperty({ example: 33554432 }) receivedBytes!: number;
  @ApiProperty({ example: 4.57, description: 'Received bytes in percent, two decimals' }) percentage!: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_SHA256 }) sha256!: string | null;
  @ApiProperty({
    example: '2026-11-22T14:05:12.000Z',
    description: 'Abandoned (and cleaned up) if nothing arrives by then',
  })
  expiresAt!: Date;
  @ApiProperty({ example: '2026-11-21T14:05:12.000Z' }) createdAt!: Date;
}
