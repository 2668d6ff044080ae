import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { IsOmittable, PageResponse, UpdateType } from '@ppt/http';
import { Trim } from '@ppt/http';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  OCCUPANT_RELATIONS,
  UNIT_STATUSES,
  UNIT_TYPES,
  type OccupantRelation,
  type UnitStatus,
  type UnitType,
} from '@ppt/api-db';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { ListQueryDto, sortOptions } from '@ppt/api-shared';

export class CreateUnitDto {
  @ApiProperty({ example: EXAMPLE_ID.building })
  @IsUUID()
  buildingId!: string;

  @ApiProperty({ example: '3.12', description: 'Unique within the building' })
  @Trim()
  @IsString()
  @Length(1, 30)
  number!: string;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsInt()
  @Min(-10)
  @Max(200)
  floor?: number;

  @ApiPropertyOptional({ example: 68.5 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100000)
  areaM2?: number;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 1 })
  @Min(0)
  @Max(100)
  rooms?: number;

  @ApiPropertyOptional({ enum: UNIT_TYPES, default: 'apartment', example: 'apartment' })
  @IsOmittable()
  @IsIn(UNIT_TYPES)
  type?: UnitType;

  @ApiPropertyOptional({ example: 685, description: 'Share in the common parts (vote weight): numerator…' })
  @IsOmittable()
  @IsInt()
  @Min(0)
  ownershipShareNumerator?: number;

  @ApiPropertyOptional({ example: 10000, description: '…and denominator' })
  @IsOmittable()
  @IsInt()
  @Min(1)
  ownershipShareDenominator?: number;

  @ApiPropertyOptional({ enum: UNIT_STATUSES, default: 'vacant', example: 'occupied' })
  @IsOmittable()
  @IsIn(UNIT_STATUSES)
  status?: UnitStatus;
}

/** A unit stays in its building; move it by deleting and recreating. */
export class UpdateUnitDto extends UpdateType(OmitType(CreateUnitDto, ['buildingId'] as const)) {}

export const UNIT_SORTS = sortOptions(['number', 'floor', 'areaM2', 'createdAt']);

export class ListUnitsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: UNIT_SORTS, default: 'number' })
  @IsOmittable()
  @IsIn(UNIT_SORTS)
  sort = 'number';

  @ApiPropertyOptional({ example: EXAMPLE_ID.building })
  @IsOmittable()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional({ enum: UNIT_STATUSES, example: 'vacant' })
  @IsOmittable()
  @IsIn(UNIT_STATUSES)
  status?: UnitStatus;

  @ApiPropertyOptional({ enum: UNIT_TYPES, example: 'apartment' })
  @IsOmittable()
  @IsIn(UNIT_TYPES)
  type?: UnitType;
}

export class UnitResponse {
  @ApiProperty({ example: EXAMPLE_ID.unit }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.building }) buildingId!: string;
  @ApiProperty({ example: '3.12' }) number!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 3 }) floor!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 68.5 }) areaM2!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 3 }) rooms!: number | null;
  @ApiProperty({ enum: UNIT_TYPES, example: 'apartment' }) type!: UnitType;
  @ApiProperty({ example: 685 }) ownershipShareNumerator!: number;
  @ApiProperty({ example: 10000 }) ownershipShareDenominator!: number;
  @ApiProperty({ enum: UNIT_STATUSES, example: 'occupied' }) status!: UnitStatus;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class UnitPageResponse extends PageResponse(UnitResponse) {}

export class AddOccupantDto {
  @ApiProperty({ example: EXAMPLE_ID.person })
  @IsUUID()
  personId!: string;

  @ApiProperty({ enum: OCCUPANT_RELATIONS, example: 'tenant' })
  @IsIn(OCCUPANT_RELATIONS)
  relation!: OccupantRelation;

  @ApiProperty({ example: '2026-01-01' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Length(10, 10)
  startsOn!: string;

  @ApiPropertyOptional({ example: '2027-12-31' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Length(10, 10)
  endsOn?: string;
}

export class EndOccupancyDto {
  @ApiProperty({ example: '2026-12-31' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Length(10, 10)
  endsOn!: string;
}

export class OccupantResponse {
  @ApiProperty({ example: EXAMPLE_ID.occupancy }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.person }) personId!: string;
  @ApiProperty({ example: 'Tereza Svobodová' }) personName!: string;
  @ApiProperty({ enum: OCCUPANT_RELATIONS, example: 'tenant' }) relation!: OccupantRelation;
  @ApiProperty({ example: '2026-01-01' }) startsOn!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2027-12-31' }) endsOn!: string | null;
}
