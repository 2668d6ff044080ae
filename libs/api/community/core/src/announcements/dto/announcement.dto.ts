import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ANNOUNCEMENT_STATUSES,
  AUDIENCE_TYPES,
  type AnnouncementStatus,
  type AudienceType,
} from '@ppt/api-db';
import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';
import { IsOmittable, PageResponse, Trim, UpdateType } from '@ppt/http';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsString,
  IsUUID,
  Length,
} from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { ListQueryDto, sortOptions } from '@ppt/api-shared';

const toBool = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

export class CreateAnnouncementDto {
  @ApiProperty({ example: 'Water shut-off on Tuesday' })
  @Trim()
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiProperty({ example: 'Cold and hot water will be off from 8:00 to 12:00 because of riser repairs.' })
  @IsString()
  @Length(1, 20000)
  body!: string;

  @ApiProperty({ enum: AUDIENCE_TYPES, example: 'buildings' })
  @IsIn(AUDIENCE_TYPES)
  audienceType!: AudienceType;

  @ApiPropertyOptional({
    type: [String],
    example: [EXAMPLE_ID.building],
    description: 'For audienceType buildings',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  audienceBuildingIds?: string[];

  @ApiPropertyOptional({ type: [String], example: [EXAMPLE_ID.unit], description: 'For audienceType units' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  audienceUnitIds?: string[];

  @ApiPropertyOptional({
    enum: MEMBERSHIP_ROLES,
    isArray: true,
    example: ['owner'],
    description: 'For audienceType roles',
  })
  @IsOmittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(MEMBERSHIP_ROLES, { each: true })
  audienceRoles?: MembershipRole[];

  @ApiPropertyOptional({ example: false })
  @IsOmittable()
  @IsBoolean()
  pinned?: boolean;

  @ApiPropertyOptional({ example: true })
  @IsOmittable()
  @IsBoolean()
  urgent?: boolean;

  @ApiPropertyOptional({ example: true, description: 'Readers must confirm they took note' })
  @IsOmittable()
  @IsBoolean()
  requiresAcknowledgement?: boolean;

  @ApiPropertyOptional({ type: [String], example: [EXAMPLE_ID.photo], description: 'Document ids' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentDocumentIds?: string[];
}

export class UpdateAnnouncementDto extends UpdateType(CreateAnnouncementDto) {}

export class ScheduleAnnouncementDto {
  @ApiProperty({ example: '2026-11-24T06:00:00.000Z', description: 'When it is published (in the future)' })
  @IsISO8601({ strict: true })
  publishAt!: string;
}

export const ANNOUNCEMENT_SORTS = sortOptions(['publishedAt', 'createdAt', 'title']);

export class ListAnnouncementsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ANNOUNCEMENT_SORTS, description: 'Default: pinned first, then newest' })
  @IsOmittable()
  @IsIn(ANNOUNCEMENT_SORTS)
  sort?: string;

  @ApiPropertyOptional({ enum: ANNOUNCEMENT_STATUSES })
  @IsOmittable()
  @IsIn(ANNOUNCEMENT_STATUSES)
  status?: AnnouncementStatus;

  @ApiPropertyOptional({ example: true })
  @IsOmittable()
  @toBool()
  @IsBoolean()
  pinned?: boolean;

  @ApiPropertyOptional({ example: true })
  @IsOmittable()
  @toBool()
  @IsBoolean()
  urgent?: boolean;
}

export class AnnouncementResponse {
  @ApiProperty({ example: '4a6c8e0a-2b4d-4f6a-8c0e-2a4c6e8a0b2d' }) id!: string;
  @ApiProperty({ example: 'Water shut-off on Tuesday' }) title!: string;
  @ApiProperty({ example: 'Cold and hot water will be off from 8:00 to 12:00 because of riser repairs.' })
  body!: string;
  @ApiProperty({ enum: ANNOUNCEMENT_STATUSES, example: 'published' }) status!: AnnouncementStatus;
  @ApiProperty({ enum: AUDIENCE_TYPES, example: 'buildings' }) audienceType!: AudienceType;
  @ApiProperty({ type: [String], example: [EXAMPLE_ID.building] }) audienceBuildingIds!: string[];
  @ApiProperty({ type: [String], example: [] }) audienceUnitIds!: string[];
  @ApiProperty({ enum: MEMBERSHIP_ROLES, isArray: true, example: [] }) audienceRoles!: MembershipRole[];
  @ApiProperty({ example: false }) pinned!: boolean;
  @ApiProperty({ example: true }) urgent!: boolean;
  @ApiProperty({ example: true }) requiresAcknowledgement!: boolean;
  @ApiProperty({ type: [String], example: [EXAMPLE_ID.photo] }) attachmentDocumentIds!: string[];
  @ApiPropertyOptional({ type: Date, nullable: true, example: '2026-11-24T06:00:00.000Z' })
  publishAt!: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true, example: EXAMPLE_TIME.updated })
  publishedAt!: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user }) createdByUserId!:
    string | null;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
  @ApiPropertyOptional({
    type: Date,
    nullable: true,
    example: EXAMPLE_TIME.updated,
    description: 'When you read it',
  })
  readAt?: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true, example: null, description: 'When you acknowledged it' })
  acknowledgedAt?: Date | null;
}

export class AnnouncementPageResponse extends PageResponse(AnnouncementResponse) {}

export class ReceiptRowResponse {
  @ApiProperty({ example: EXAMPLE_ID.resident }) userId!: string;
  @ApiProperty({ example: 'Jana Nováková' }) displayName!: string;
  @ApiProperty({ example: 'jana.novakova@example.com' }) email!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'tenant',
    description: 'Current membership role; null once no longer a member',
  })
  role!: string | null;
  @ApiProperty({ example: EXAMPLE_TIME.updated, description: 'When it was published to them' })
  deliveredAt!: Date;
  @ApiPropertyOptional({ type: Date, nullable: true, example: EXAMPLE_TIME.updated }) readAt!: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true, example: null }) acknowledgedAt!: Date | null;
}

export class ReceiptReportResponse {
  @ApiProperty({ example: 24, description: 'Users it was delivered to when published' }) audience!: number;
  @ApiProperty({ example: 17 }) read!: number;
  @ApiProperty({ example: 12 }) acknowledged!: number;
  @ApiProperty({ type: [ReceiptRowResponse], description: 'Every recipient, unread first' })
  items!: ReceiptRowResponse[];
}

export class CreateCommentDto {
  @ApiProperty({ example: 'Will the lift work during the repair?' })
  @Trim()
  @IsString()
  @Length(1, 5000)
  body!: string;
}

export class CommentResponse {
  @ApiProperty({ example: '2e8a4c6f-9b1d-4f3e-a7c5-8d0b6e2f4a19' }) id!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.resident }) authorUserId!:
    string | null;
  @ApiProperty({ example: 'Will the lift work during the repair?' }) body!: string;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) createdAt!: Date;
}

export class CommentListResponse {
  @ApiProperty({ type: [CommentResponse] }) items!: CommentResponse[];
}
