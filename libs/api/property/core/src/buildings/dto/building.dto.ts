import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { IsOmittable, PageResponse, UpdateType } from '@ppt/http';
import { Trim, TrimUpper } from '@ppt/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BUILDING_TYPES, type BuildingType } from '@ppt/api-db';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO31661Alpha2,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { ListQueryDto, sortOptions } from '@ppt/api-shared';

export class CreateBuildingDto {
  @ApiProperty({ example: 'Vinohradská 12' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'Vinohradská 1234/12' })
  @Trim()
  @IsString()
  @Length(1, 300)
  addressLine!: string;

  @ApiProperty({ example: 'Praha' })
  @Trim()
  @IsString()
  @Length(1, 120)
  city!: string;

  @ApiProperty({ example: '120 00' })
  @Trim()
  @IsString()
  @Length(1, 20)
  postalCode!: string;

  @ApiProperty({ example: 'CZ', description: 'ISO 3166-1 alpha-2' })
  @TrimUpper()
  @IsISO31661Alpha2()
  country!: string;

  @ApiPropertyOptional({ example: 50.0755 })
  @IsOptional()
  @IsLatitude()
  latitude?: number;

  @ApiPropertyOptional({ example: 14.4378 })
  @IsOptional()
  @IsLongitude()
  longitude?: number;

  @ApiPropertyOptional({ example: 1932 })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(2100)
  yearBuilt?: number;

  @ApiPropertyOptional({ example: 6 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(200)
  floors?: number;

  @ApiPropertyOptional({ enum: BUILDING_TYPES, default: 'residential', example: 'residential' })
  @IsOmittable()
  @IsIn(BUILDING_TYPES)
  type?: BuildingType;

  @ApiPropertyOptional({
    description: 'A member of the organisation who manages the building',
    example: EXAMPLE_ID.user,
  })
  @IsOptional()
  @IsUUID()
  managerUserId?: string;
}

export class UpdateBuildingDto extends UpdateType(CreateBuildingDto) {}

export const BUILDING_SORTS = sortOptions(['name', 'city', 'createdAt', 'yearBuilt']);

export class ListBuildingsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: BUILDING_SORTS, default: 'name' })
  @IsOmittable()
  @IsIn(BUILDING_SORTS)
  sort = 'name';

  @ApiPropertyOptional({ example: 'Brno' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(1, 120)
  city?: string;

  @ApiPropertyOptional({ enum: BUILDING_TYPES })
  @IsOmittable()
  @IsIn(BUILDING_TYPES)
  type?: BuildingType;

  @ApiPropertyOptional({ type: Boolean, default: false })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => value === 'true' || value === true)
  @IsBoolean()
  includeArchived = false;
}

export class BuildingResponse {
  @ApiProperty({ example: EXAMPLE_ID.building }) id!: string;
  @ApiProperty({ example: 'Vinohradská 12' }) name!: string;
  @ApiProperty({ example: 'Vinohradská 1234/12' }) addressLine!: string;
  @ApiProperty({ example: 'Praha' }) city!: string;
  @ApiProperty({ example: '120 00' }) postalCode!: string;
  @ApiProperty({ example: 'CZ' }) country!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 50.0755 }) latitude!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 14.4378 }) longitude!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 1932 }) yearBuilt!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 6 }) floors!: number | null;
  @ApiProperty({ enum: BUILDING_TYPES, example: 'residential' }) type!: BuildingType;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user })
  managerUserId!: string | null;
  @ApiPropertyOptional({ type: Date, nullable: true, example: EXAMPLE_TIME.updated })
  archivedAt!: Date | null;
  @ApiProperty({ example: 24 }) unitCount!: number;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class BuildingPageResponse extends PageResponse(BuildingResponse) {}
