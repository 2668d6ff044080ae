import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { IsOmittable, PageResponse, UpdateType } from '@ppt/http';
import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import {
  FAULT_CATEGORIES,
  FAULT_PRIORITIES,
  FAULT_STATUSES,
  type FaultCategory,
  type FaultPriority,
  type FaultStatus,
} from '@ppt/api-db';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Trim } from '@ppt/http';
import { ListQueryDto, sortOptions } from '@ppt/api-shared';

export class CreateFaultDto {
  @ApiProperty({ example: EXAMPLE_ID.building })
  @IsUUID()
  buildingId!: string;

  @ApiPropertyOptional({ description: 'Omit for the common parts of the building', example: EXAMPLE_ID.unit })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiProperty({ example: 'Water leaking under the kitchen sink' })
  @Trim()
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiProperty({ example: 'Since this morning; the cabinet floor is wet.' })
  @Trim()
  @IsString()
  @Length(1, 10000)
  description!: string;

  @ApiPropertyOptional({ enum: FAULT_CATEGORIES, default: 'other', example: 'plumbing' })
  @IsOmittable()
  @IsIn(FAULT_CATEGORIES)
  category?: FaultCategory;

  @ApiPropertyOptional({ enum: FAULT_PRIORITIES, default: 'normal', example: 'high' })
  @IsOmittable()
  @IsIn(FAULT_PRIORITIES)
  priority?: FaultPriority;
}

export class UpdateFaultDto extends UpdateType(
  PickType(CreateFaultDto, ['title', 'description', 'category', 'priority'] as const),
) {
  @ApiPropertyOptional({
    description: 'A staff member of the organisation',
    nullable: true,
    type: String,
    example: EXAMPLE_ID.technician,
  })
  @IsOptional()
  @IsUUID()
  assigneeUserId?: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: EXAMPLE_ID.vendor })
  @IsOptional()
  @IsUUID()
  vendorId?: string;
}

export class ChangeFaultStatusDto {
  @ApiProperty({ enum: FAULT_STATUSES, example: 'in_progress' })
  @IsIn(FAULT_STATUSES)
  status!: FaultStatus;

  @ApiPropertyOptional({ example: 'Plumber booked for Tuesday' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 1000)
  note?: string;
}

export class CreateFaultCommentDto {
  @ApiProperty({ example: 'The plumber can come at 9:00.' })
  @Trim()
  @IsString()
  @Length(1, 5000)
  body!: string;
}

export const FAULT_SORTS = sortOptions(['createdAt', 'dueAt', 'priority']);

export class ListFaultsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: FAULT_SORTS, default: '-createdAt' })
  @IsOmittable()
  @IsIn(FAULT_SORTS)
  sort = '-createdAt';

  @ApiPropertyOptional({ enum: FAULT_STATUSES })
  @IsOmittable()
  @IsIn(FAULT_STATUSES)
  status?: FaultStatus;

  @ApiPropertyOptional({ enum: FAULT_PRIORITIES })
  @IsOmittable()
  @IsIn(FAULT_PRIORITIES)
  priority?: FaultPriority;

  @ApiPropertyOptional({ example: EXAMPLE_ID.building })
  @IsOmittable()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.unit })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.technician })
  @IsOptional()
  @IsUUID()
  assigneeUserId?: string;

  @ApiPropertyOptional({ description: 'Open faults past their due date' })
  @IsOmittable()
  @Transform(({ value }: { value: unknown }) => value === 'true' || value === true)
  @IsBoolean()
  overdue?: boolean;
}

/** The example fault was reported on Saturday morning (priority high: due in 72 h) and closed on Tuesday. */
const FAULT_TIME = {
  reported: EXAMPLE_TIME.created,
  due: '2026-11-24T09:30:00.000Z',
  resolved: '2026-11-23T16:40:00.000Z',
  closed: '2026-11-24T08:15:00.000Z',
} as const;

export class FaultStatusChangeResponse {
  @ApiPropertyOptional({ enum: FAULT_STATUSES, nullable: true, example: 'resolved' })
  fromStatus!: FaultStatus | null;
  @ApiProperty({ enum: FAULT_STATUSES, example: 'closed' }) toStatus!: FaultStatus;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user })
  changedByUserId!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Siphon replaced; the resident confirmed the cabinet is dry.',
  })
  note!: string | null;
  @ApiProperty({ example: FAULT_TIME.closed }) createdAt!: Date;
}

export class FaultResponse {
  @ApiProperty({ example: EXAMPLE_ID.fault }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.building }) buildingId!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.unit }) unitId!: string | null;
  @ApiProperty({ example: EXAMPLE_ID.resident }) reporterUserId!: string;
  @ApiProperty({ example: 'Water leaking under the kitchen sink' }) title!: string;
  @ApiProperty({ example: 'Since this morning; the cabinet floor is wet.' }) description!: string;
  @ApiProperty({ enum: FAULT_CATEGORIES, example: 'plumbing' }) category!: FaultCategory;
  @ApiProperty({ enum: FAULT_PRIORITIES, example: 'high' }) priority!: FaultPriority;
  @ApiProperty({ enum: FAULT_STATUSES, example: 'closed' }) status!: FaultStatus;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.technician })
  assigneeUserId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.vendor }) vendorId!: string | null;
  @ApiProperty({ example: FAULT_TIME.due }) dueAt!: Date;
  @ApiProperty({ example: false }) overdue!: boolean;
  @ApiPropertyOptional({ type: Date, nullable: true, example: FAULT_TIME.resolved }) resolvedAt!: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true, example: FAULT_TIME.closed }) closedAt!: Date | null;
  @ApiProperty({ example: 5 }) version!: number;
  @ApiProperty({ example: FAULT_TIME.reported }) createdAt!: Date;
  @ApiProperty({ example: FAULT_TIME.closed }) updatedAt!: Date;
  @ApiPropertyOptional({ type: [FaultStatusChangeResponse] }) statusHistory?: FaultStatusChangeResponse[];
}

export class FaultPageResponse extends PageResponse(FaultResponse) {}

export class FaultCommentResponse {
  @ApiProperty({ example: EXAMPLE_ID.faultComment }) id!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.technician })
  authorUserId!: string | null;
  @ApiProperty({ example: 'The plumber can come at 9:00.' }) body!: string;
  @ApiProperty({ example: '2026-11-21T11:12:00.000Z' }) createdAt!: Date;
}

/** Oldest first. */
export class FaultCommentPageResponse extends PageResponse(FaultCommentResponse) {}
