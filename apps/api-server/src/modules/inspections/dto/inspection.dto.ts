import { Trim } from '../../../common/transforms';
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
import { PageQueryDto, PageResponse } from '../../../common/page.dto';

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
  @ApiProperty()
  @IsUUID()
  buildingId!: string;

  @ApiPropertyOptional()
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

export class ListInspectionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  buildingId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class InspectionItemResponse {
  @ApiProperty() area!: string;
  @ApiProperty() rating!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) notes!: string | null;
}

export class InspectionResponse {
  @ApiProperty() id!: string;
  @ApiProperty() buildingId!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) unitId!: string | null;
  @ApiProperty() inspectedOn!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) inspectorUserId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) summary!: string | null;
  @ApiProperty({ description: 'Average rating of the items' }) averageRating!: number;
  @ApiProperty({ type: [InspectionItemResponse] }) items!: InspectionItemResponse[];
  @ApiProperty() createdAt!: Date;
}

export class InspectionPageResponse extends PageResponse(InspectionResponse) {}
