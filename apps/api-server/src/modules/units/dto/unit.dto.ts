import { PageResponse } from '../../../common/page.dto';
import { Trim } from '../../../common/transforms';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  OCCUPANT_RELATIONS,
  UNIT_STATUSES,
  UNIT_TYPES,
  type OccupantRelation,
  type UnitStatus,
  type UnitType,
} from '@ppt/db';
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
import { ListQueryDto, sortOptions } from '../../../common/list-query';

export class CreateUnitDto {
  @ApiProperty()
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

  @ApiPropertyOptional({ enum: UNIT_TYPES, default: 'apartment' })
  @IsOptional()
  @IsIn(UNIT_TYPES)
  type?: UnitType;

  @ApiPropertyOptional({ example: 685, description: 'Share in the common parts (vote weight): numerator…' })
  @IsOptional()
  @IsInt()
  @Min(0)
  ownershipShareNumerator?: number;

  @ApiPropertyOptional({ example: 10000, description: '…and denominator' })
  @IsOptional()
  @IsInt()
  @Min(1)
  ownershipShareDenominator?: number;

  @ApiPropertyOptional({ enum: UNIT_STATUSES, default: 'vacant' })
  @IsOptional()
  @IsIn(UNIT_STATUSES)
  status?: UnitStatus;
}

/** A unit stays in its building; move it by deleting and recreating. */
export class UpdateUnitDto extends PartialType(OmitType(CreateUnitDto, ['buildingId'] as const)) {}

export const UNIT_SORTS = sortOptions(['number', 'floor', 'areaM2', 'createdAt']);

export class ListUnitsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: UNIT_SORTS, default: 'number' })
  @IsOptional()
  @IsIn(UNIT_SORTS)
  sort = 'number';

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional({ enum: UNIT_STATUSES })
  @IsOptional()
  @IsIn(UNIT_STATUSES)
  status?: UnitStatus;

  @ApiPropertyOptional({ enum: UNIT_TYPES })
  @IsOptional()
  @IsIn(UNIT_TYPES)
  type?: UnitType;
}

export class UnitResponse {
  @ApiProperty() id!: string;
  @ApiProperty() buildingId!: string;
  @ApiProperty() number!: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) floor!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) areaM2!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) rooms!: number | null;
  @ApiProperty({ enum: UNIT_TYPES }) type!: UnitType;
  @ApiProperty() ownershipShareNumerator!: number;
  @ApiProperty() ownershipShareDenominator!: number;
  @ApiProperty({ enum: UNIT_STATUSES }) status!: UnitStatus;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class UnitPageResponse extends PageResponse(UnitResponse) {}

export class AddOccupantDto {
  @ApiProperty()
  @IsUUID()
  personId!: string;

  @ApiProperty({ enum: OCCUPANT_RELATIONS })
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
  @ApiProperty() id!: string;
  @ApiProperty() personId!: string;
  @ApiProperty() personName!: string;
  @ApiProperty({ enum: OCCUPANT_RELATIONS }) relation!: OccupantRelation;
  @ApiProperty() startsOn!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) endsOn!: string | null;
}
