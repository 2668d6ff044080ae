import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ASSISTANT_DRAFT_KINDS, type AssistantDraftKind } from '@ppt/api-db';
import { Trim } from '@ppt/http';
import { PORTAL_DESCRIPTION_LIMITS } from '@ppt/syndication';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { DRAFT_LANGUAGES, DRAFT_TONES, type DraftLanguage, type DraftTone } from '../prompts';
import type { DraftPortal } from '../assistant-drafts.service';
import { EXAMPLE_DOCUMENT_ID } from './assistant-chat.dto';

const PORTALS = Object.keys(PORTAL_DESCRIPTION_LIMITS) as DraftPortal[];

export class ListingDescriptionDraftDto {
  @ApiProperty({ example: EXAMPLE_ID.listing }) @IsUUID('all') listingId!: string;
  @ApiProperty({ enum: DRAFT_LANGUAGES, example: 'cs' }) @IsIn(DRAFT_LANGUAGES) language!: DraftLanguage;
  @ApiPropertyOptional({ enum: DRAFT_TONES, example: 'friendly', default: 'neutral' })
  @IsOptional()
  @IsIn(DRAFT_TONES)
  tone?: DraftTone;
  @ApiPropertyOptional({
    enum: PORTALS,
    example: 'sreality',
    default: 'reality-portal',
    description: 'The text is kept within this portal’s description limit',
  })
  @IsOptional()
  @IsIn(PORTALS)
  portal?: DraftPortal;
}

export class AnnouncementDraftDto {
  @ApiProperty({ example: 'Water shut-off on Tuesday 9–12', maxLength: 300 })
  @Trim()
  @IsString()
  @Length(3, 300)
  topic!: string;
  @ApiPropertyOptional({ example: 'Replacement of the main valve in the basement', maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  details?: string;
  @ApiProperty({ enum: DRAFT_LANGUAGES, example: 'cs' }) @IsIn(DRAFT_LANGUAGES) language!: DraftLanguage;
  @ApiPropertyOptional({ enum: DRAFT_TONES, example: 'formal', default: 'neutral' })
  @IsOptional()
  @IsIn(DRAFT_TONES)
  tone?: DraftTone;
  @ApiPropertyOptional({ example: 3, minimum: 1, maximum: 5, default: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  variants?: number;
}

export class DocumentSummaryDraftDto {
  @ApiProperty({ example: EXAMPLE_DOCUMENT_ID }) @IsUUID('all') documentId!: string;
  @ApiPropertyOptional({ enum: DRAFT_LANGUAGES, example: 'cs', default: 'cs' })
  @IsOptional()
  @IsIn(DRAFT_LANGUAGES)
  language?: DraftLanguage;
}

export class LeaseDraftDto {
  @ApiProperty({ example: '2c4e6a8c-0e1f-4a3b-8c5d-7e9f1a3b5c7d' }) @IsUUID('all') leaseId!: string;
  @ApiPropertyOptional({
    enum: ['cs', 'sk'],
    example: 'cs',
    default: 'cs',
    description: 'Czech or Slovak lease structure',
  })
  @IsOptional()
  @IsIn(['cs', 'sk'])
  language?: 'cs' | 'sk';
}

export class EditDraftDto {
  @ApiProperty({ type: [String], example: ['Vážení sousedé, …'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MaxLength(50000, { each: true })
  variants!: string[];
}

export class ListDraftsQueryDto {
  @ApiPropertyOptional({
    example: EXAMPLE_ID.listing,
    description: 'Drafts about this listing, document or lease',
  })
  @IsOptional()
  @IsUUID('all')
  subjectId?: string;
}

export class AssistantDraftResponse {
  @ApiProperty({ example: '8e0a2c4e-6a8c-4e1f-9a3b-5c7d9e1f3a5b' }) id!: string;
  @ApiProperty({ enum: ASSISTANT_DRAFT_KINDS, example: 'listing-description' }) kind!: AssistantDraftKind;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.listing }) subjectId!:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'cs' }) language!: string | null;
  @ApiProperty({ example: 'listing-description/v1', description: 'The prompt template it was written with' })
  templateId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { tone: 'friendly', portal: 'sreality' },
  })
  parameters!: Record<string, unknown>;
  @ApiProperty({ type: [String], example: ['Světlý byt 2+kk s balkonem…'] }) variants!: string[];
  @ApiProperty({
    example: 'draft',
    enum: ['draft'],
    description: 'Drafts are never published by the assistant',
  })
  status!: 'draft';
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user }) createdByUserId!:
    string | null;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class AssistantDraftListResponse {
  @ApiProperty({ type: [AssistantDraftResponse] }) items!: AssistantDraftResponse[];
}
