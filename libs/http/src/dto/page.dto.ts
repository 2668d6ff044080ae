import type { Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=&offset=` of every list endpoint (limit ≤ 100). */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 20, minimum: 1, maximum: 100, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @ApiPropertyOptional({
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    example: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER) // beyond it the number is not exact, and PostgreSQL refuses the query
  offset = 0;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * The OpenAPI shape of a page of `item`s: `export class BuildingPageResponse extends PageResponse(BuildingResponse) {}`.
 */
export function PageResponse<T>(item: ClassType<T>) {
  abstract class PageOf implements Page<T> {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty({ type: 'integer', example: 42 }) total!: number;
    @ApiProperty({ type: 'integer', example: 20 }) limit!: number;
    @ApiProperty({ type: 'integer', example: 0 }) offset!: number;
  }
  return PageOf;
}
