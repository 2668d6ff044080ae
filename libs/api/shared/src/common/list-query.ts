import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '@ppt/http';

/** limit/offset plus `q` text search; resources add `sort` (an allow-list) and their own filters. */
export class ListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Text search', example: 'Vinohradská' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  q?: string;
}

/** `name` → ascending, `-name` → descending; the field must be one the resource allows. */
export function sortOptions(fields: readonly string[]): string[] {
  return fields.flatMap((f) => [f, `-${f}`]);
}

export function parseSort(sort: string): { field: string; direction: 'ASC' | 'DESC' } {
  return sort.startsWith('-')
    ? { field: sort.slice(1), direction: 'DESC' }
    : { field: sort, direction: 'ASC' };
}

/** Escapes LIKE wildcards in user input. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
