import { IsOmittable, Trim } from '@ppt/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { PageQueryDto, PageResponse, UpdateType } from '@ppt/http';

export class InspectionItemDto {
  @ApiProperty({ example: 'Staircase' })
  @Trim()
  @IsString()
  @Length(1, 100)
  area!: string;

  @ApiProperty({ example: 4, minimum: 1, maximum: 5, description: '1 poor … 5 excellent' })
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  @ApiPropertyOptional({ example: 'Paint peeling near the window' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 2000)
  notes?: string;
}

export class CreateInspectionDto {
  @ApiProperty({ example: EXAMPLE_ID.building })
  @IsUUID()
  buildingId!: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.unit })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiProperty({ example: '2026-11-20' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Length(10, 10)
  inspectedOn!: string;

  @ApiPropertyOptional({ example: 'Good overall; repaint the staircase next spring.' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 10000)
  summary?: string;

  @ApiProperty({ type: [InspectionItemDto] })
  @ValidateNested({ each: true })
  @Type(() => InspectionItemDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  items!: InspectionItemDto[];
}

/** Any field may change; `items`, when given, replace the whole list. */
export class UpdateInspectionDto extends UpdateType(CreateInspectionDto) {}

export class ListInspectionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: EXAMPLE_ID.building })
  @IsOmittable()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.unit })
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class InspectionItemResponse {
  @ApiProperty({ example: 'Staircase' }) area!: string;
  @ApiProperty({ example: 3 }) rating!: number;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Paint peeling near the window' })
  notes!: string | null;
}

export class InspectionResponse {
  @ApiProperty({ example: EXAMPLE_ID.inspection }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.building }) buildingId!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.unit }) unitId!: string | null;
  @ApiProperty({ example: '2026-11-20' }) inspectedOn!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.technician })
  inspectorUserId!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Good overall; repaint the staircase next spring.',
  })
  summary!: string | null;
  @ApiProperty({ description: 'Average rating of the items', example: 3.5 }) averageRating!: number;
  @ApiProperty({ type: [InspectionItemResponse] }) items!: InspectionItemResponse[];
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
}

export class InspectionPageResponse extends PageResponse(InspectionResponse) {}
