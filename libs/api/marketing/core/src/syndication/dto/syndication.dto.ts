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
  ValidateIf,
} from 'class-validator';
import { IsOmittable, PageQueryDto, PageResponse } from '@ppt/http';
import {
  SYNDICATION_PORTALS,
  SYNDICATION_STATUSES,
  type ListingPortalOverrides,
  type SyndicationPortal,
  type SyndicationStatus,
} from '@ppt/api-db';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { IsPortalOverrides } from './portal-overrides.validator';

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
  @ApiProperty({
    type: String,
    format: 'date-time',
    example: null,
    nullable: true,
    description: 'When the portal refused the credentials; no job calls it until new ones are saved',
  })
  credentialsRejectedAt!: Date | null;
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
    description:
      'Our reason code: INVALID_LOGIN, INCOMPLETE_DATA, INVALID_DATA, UNKNOWN_SELLER, DAILY_LIMIT, NOT_FOUND, RATE_LIMITED, PORTAL_UNAVAILABLE, PORTAL_REJECTED, PORTAL_REMOVED, ENDPOINT_NOT_ALLOWED, PREFLIGHT_FAILED',
  })
  lastErrorCode!: string | null;
  @ApiProperty({
    type: String,
    example: null,
    nullable: true,
    description: 'Our short status line (e.g. "Sreality addAdvert: status 453 (areaM2)")',
  })
  lastError!: string | null;
  @ApiProperty({
    type: String,
    example: '453',
    nullable: true,
    description: "The portal's own code for its last refusal",
  })
  portalStatus!: string | null;
  @ApiProperty({
    type: String,
    example: null,
    nullable: true,
    description: "The portal's own status text, one short line (never a response body)",
  })
  portalMessage!: string | null;
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

export class PutListingPortalsDto {
  @ApiProperty({
    enum: SYNDICATION_PORTALS,
    isArray: true,
    nullable: true,
    example: ['sreality', 'webhook'],
    description:
      'The portals this listing goes to (each must be enabled); null = the default: every enabled portal whose market fits the listing',
  })
  @ValidateIf((_, value) => value !== null)
  @IsArray()
  @ArrayMaxSize(SYNDICATION_PORTALS.length)
  @IsIn(SYNDICATION_PORTALS, { each: true })
  portals!: SyndicationPortal[] | null;

  @ApiPropertyOptional({
    example: { sreality: { buildingType: 'brick', buildingCondition: 'very_good', ownership: 'personal' } },
    description:
      'Per-portal fields, replacing the stored ones when given. sreality: buildingType, buildingCondition, ownership, localityAccuracy, estateAreaM2; openimmo: commission, energyCertificate {type, valueKwhPerM2Year, validUntil}',
  })
  @IsOmittable()
  @IsPortalOverrides()
  overrides?: ListingPortalOverrides;
}

export class ListingPortalResponse {
  @ApiProperty({ enum: SYNDICATION_PORTALS, example: 'sreality' }) portal!: SyndicationPortal;
  @ApiProperty({ example: true, description: 'Chosen for this listing (explicitly or by default)' })
  selected!: boolean;
  @ApiProperty({
    example: true,
    description: "The portal's market fits the listing (country, currency, transaction)",
  })
  applies!: boolean;
}

export class ListingPortalsResponse {
  @ApiProperty({ example: EXAMPLE_ID.listing }) listingId!: string;
  @ApiProperty({ example: false, description: 'The selection was chosen by a manager (else the default)' })
  explicit!: boolean;
  @ApiProperty({ type: [ListingPortalResponse], description: 'Every enabled portal' })
  portals!: ListingPortalResponse[];
  @ApiProperty({ example: {} }) overrides!: ListingPortalOverrides;
}

/** The answer to a change of the selection: the new state and how many portal jobs it queued. */
export class ListingPortalsChangeResponse extends ListingPortalsResponse {
  @ApiProperty({ example: 1, description: 'Portal jobs queued' }) queued!: number;
}
