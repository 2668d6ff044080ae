import { PageResponse } from '../../../common/page.dto';
import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import {
  FAULT_CATEGORIES,
  FAULT_PRIORITIES,
  FAULT_STATUSES,
  type FaultCategory,
  type FaultPriority,
  type FaultStatus,
} from '@ppt/db';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Trim } from '../../../common/transforms';
import { ListQueryDto, sortOptions } from '../../../common/list-query';

export class CreateFaultDto {
  @ApiProperty()
  @IsUUID()
  buildingId!: string;

  @ApiPropertyOptional({ description: 'Omit for the common parts of the building' })
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

  @ApiPropertyOptional({ enum: FAULT_CATEGORIES, default: 'other' })
  @IsOptional()
  @IsIn(FAULT_CATEGORIES)
  category?: FaultCategory;

  @ApiPropertyOptional({ enum: FAULT_PRIORITIES, default: 'normal' })
  @IsOptional()
  @IsIn(FAULT_PRIORITIES)
  priority?: FaultPriority;
}

export class UpdateFaultDto extends PartialType(
  PickType(CreateFaultDto, ['title', 'description', 'category', 'priority'] as const),
) {
  @ApiPropertyOptional({ description: 'A staff member of the organisation', nullable: true, type: String })
  @IsOptional()
  @IsUUID()
  assigneeUserId?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsUUID()
  vendorId?: string;
}

export class ChangeFaultStatusDto {
  @ApiProperty({ enum: FAULT_STATUSES })
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
  @IsOptional()
  @IsIn(FAULT_SORTS)
  sort = '-createdAt';

  @ApiPropertyOptional({ enum: FAULT_STATUSES })
  @IsOptional()
  @IsIn(FAULT_STATUSES)
  status?: FaultStatus;

  @ApiPropertyOptional({ enum: FAULT_PRIORITIES })
  @IsOptional()
  @IsIn(FAULT_PRIORITIES)
  priority?: FaultPriority;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  assigneeUserId?: string;

  @ApiPropertyOptional({ description: 'Open faults past their due date' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => value === 'true' || value === true)
  @IsBoolean()
  overdue?: boolean;
}

export class FaultStatusChangeResponse {
  @ApiPropertyOptional({ enum: FAULT_STATUSES, nullable: true }) fromStatus!: FaultStatus | null;
  @ApiProperty({ enum: FAULT_STATUSES }) toStatus!: FaultStatus;
  @ApiPropertyOptional({ type: String, nullable: true }) changedByUserId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) note!: string | null;
  @ApiProperty() createdAt!: Date;
}

export class FaultResponse {
  @ApiProperty() id!: string;
  @ApiProperty() buildingId!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) unitId!: string | null;
  @ApiProperty() reporterUserId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: FAULT_CATEGORIES }) category!: FaultCategory;
  @ApiProperty({ enum: FAULT_PRIORITIES }) priority!: FaultPriority;
  @ApiProperty({ enum: FAULT_STATUSES }) status!: FaultStatus;
  @ApiPropertyOptional({ type: String, nullable: true }) assigneeUserId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) vendorId!: string | null;
  @ApiProperty() dueAt!: Date;
  @ApiProperty() overdue!: boolean;
  @ApiPropertyOptional({ type: Date, nullable: true }) resolvedAt!: Date | null;
  @ApiPropertyOptional({ type: Date, nullable: true }) closedAt!: Date | null;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiPropertyOptional({ type: [FaultStatusChangeResponse] }) statusHistory?: FaultStatusChangeResponse[];
}

export class FaultPageResponse extends PageResponse(FaultResponse) {}

export class FaultCommentResponse {
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) authorUserId!: string | null;
  @ApiProperty() body!: string;
  @ApiProperty() createdAt!: Date;
}
