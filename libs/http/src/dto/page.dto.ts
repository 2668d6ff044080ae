import type { Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=&offset=` of every list endpoint (limit ≤ 100). */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 20, maximum: 100, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @ApiPropertyOptional({ default: 0, example: 0 })
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
    @ApiProperty({ example: 42 }) total!: number;
    @ApiProperty({ example: 20 }) limit!: number;
    @ApiProperty({ example: 0 }) offset!: number;
  }
  return PageOf;
}
