import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
} from 'class-validator';
import { IsOmittable, PageQueryDto, PageResponse } from '@ppt/http';
import {
  SYNDICATION_PORTALS,
  SYNDICATION_STATUSES,
  type SyndicationPortal,
  type SyndicationStatus,
} from '@ppt/db';
import { EXAMPLE_ID, EXAMPLE_TIME } from '../../../common/examples';

export class PutPortalTargetDto {
  @ApiPropertyOptional({
    example: true,
    description: 'Off keeps the configuration but publishes nothing new there',
  })
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    description:
      'Write-only, sealed at rest, never returned. sreality: {clientId, password, softwareKey}; openimmo: {username, password}; webhook: {secrets: ["whsec_…"] (two while rotating)}',
    example: { clientId: 1234, password: 'import password', softwareKey: 'key-from-portal' },
  })
  @IsOmittable()
  @IsObject()
  credentials?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'sreality: {endpoint, advertUrlTemplate}; openimmo: {endpoint, providerId, providerName, technicalEmail}; webhook: {endpoint}',
    example: { endpoint: 'https://import.sreality.cz/RPC2' },
  })
  @IsOmittable()
  @IsObject()
  options?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Secrets the portal signs its webhooks to us with (Standard Webhooks); write-only',
    example: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsString({ each: true })
  inboundSecrets?: string[];
}

export class PortalTargetResponse {
  @ApiProperty({ enum: SYNDICATION_PORTALS, example: 'sreality' }) portal!: SyndicationPortal;
  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiProperty({ example: true, description: 'Configured by the organisation (else the defaults apply)' })
  configured!: boolean;
  @ApiProperty({ example: true }) hasCredentials!: boolean;
  @ApiProperty({ example: false }) hasInboundSecrets!: boolean;
  @ApiProperty({ example: { endpoint: 'https://import.sreality.cz/RPC2' } }) options!: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE_TIME.updated, nullable: true })
  updatedAt!: Date | null;
}

export class PortalTargetListResponse {
  @ApiProperty({ type: [PortalTargetResponse] }) items!: PortalTargetResponse[];
}

export class SyndicationStatusQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: EXAMPLE_ID.listing })
  @IsOmittable()
  @IsUUID()
  listingId?: string;

  @ApiPropertyOptional({ enum: SYNDICATION_PORTALS })
  @IsOmittable()
  @IsIn(SYNDICATION_PORTALS)
  portal?: SyndicationPortal;

  @ApiPropertyOptional({ enum: SYNDICATION_STATUSES })
  @IsOmittable()
  @IsIn(SYNDICATION_STATUSES)
  status?: SyndicationStatus;
}

export class SyndicationTransitionResponse {
  @ApiProperty({ enum: SYNDICATION_STATUSES, nullable: true, example: 'syncing' })
  from!: SyndicationStatus | null;
  @ApiProperty({ enum: SYNDICATION_STATUSES, example: 'active' }) to!: SyndicationStatus;
  @ApiProperty({ type: String, nullable: true, example: null }) detail!: string | null;
  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE_TIME.created }) at!: Date;
}

export class SyndicationResponse {
  @ApiProperty({ example: EXAMPLE_ID.syndication }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.listing }) listingId!: string;
  @ApiProperty({ enum: SYNDICATION_PORTALS, example: 'sreality' }) portal!: SyndicationPortal;
  @ApiProperty({ enum: SYNDICATION_STATUSES, example: 'active' }) status!: SyndicationStatus;
  @ApiProperty({ example: 'listed', enum: ['listed', 'removed'], description: 'What the portal should show' })
  wanted!: 'listed' | 'removed';
  @ApiProperty({ example: false, description: 'Taken off this portal by a manager; back when republished' })
  held!: boolean;
  @ApiProperty({ example: 3, description: 'Listing version the latest job carries' }) wantedVersion!: number;
  @ApiProperty({
    type: 'integer',
    example: 3,
    nullable: true,
    description: 'Listing version the portal confirmed',
  })
  syncedVersion!: number | null;
  @ApiProperty({ type: String, example: '2271455', nullable: true }) externalId!: string | null;
  @ApiProperty({ type: String, example: 'https://www.sreality.cz/detail/2271455', nullable: true })
  externalUrl!: string | null;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE_TIME.updated, nullable: true })
  lastAttemptAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE_TIME.updated, nullable: true })
  lastSuccessAt!: Date | null;
  @ApiProperty({
    type: String,
    example: null,
    nullable: true,
    description: 'e.g. INVALID_LOGIN, INCOMPLETE_DATA',
  })
  lastErrorCode!: string | null;
  @ApiProperty({
    type: String,
    example: null,
    nullable: true,
    description: "The portal's own words where it gave any",
  })
  lastError!: string | null;
  @ApiProperty({ type: [SyndicationTransitionResponse] }) history!: SyndicationTransitionResponse[];
}

export class SyndicationPageResponse extends PageResponse(SyndicationResponse) {}

export class RetrySyndicationDto {
  @ApiPropertyOptional({
    type: [String],
    example: [EXAMPLE_ID.syndication],
    description: 'Syndication ids (from /status)',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('4', { each: true })
  ids?: string[];

  @ApiPropertyOptional({
    example: EXAMPLE_ID.listing,
    description: 'Or: every failed portal of this listing',
  })
  @IsOmittable()
  @IsUUID()
  listingId?: string;
}

export class WithdrawSyndicationDto {
  @ApiProperty({ example: EXAMPLE_ID.listing })
  @IsUUID()
  listingId!: string;

  @ApiPropertyOptional({ enum: SYNDICATION_PORTALS, isArray: true, description: 'Default: every portal' })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(SYNDICATION_PORTALS, { each: true })
  portals?: SyndicationPortal[];
}

export class SyndicationActionResponse {
  @ApiProperty({ example: 2, description: 'Portal jobs queued' }) queued!: number;
  @ApiProperty({ type: [SyndicationResponse] }) items!: SyndicationResponse[];
}

export class PreflightIssueResponse {
  @ApiProperty({ example: 'photos' }) field!: string;
  @ApiProperty({ example: 'min_photos' }) rule!: string;
  @ApiProperty({ example: 'At least 1 photo(s) needed; the listing has 0' }) message!: string;
}

export class PortalPreflightResponse {
  @ApiProperty({ enum: SYNDICATION_PORTALS, example: 'sreality' }) portal!: SyndicationPortal;
  @ApiProperty({ example: false }) ok!: boolean;
  @ApiProperty({ type: [PreflightIssueResponse] }) issues!: PreflightIssueResponse[];
}

export class PreflightResponse {
  @ApiProperty({ example: false }) ok!: boolean;
  @ApiProperty({ type: [PortalPreflightResponse] }) portals!: PortalPreflightResponse[];
}

export class PreflightQueryDto {
  @ApiProperty({ example: EXAMPLE_ID.listing })
  @Type(() => String)
  @IsUUID()
  listingId!: string;
}
