import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Trim } from '@ppt/http';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** `?q=&limit=` of GET /assistant/search. */
export class DocumentSearchQueryDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 500,
    example: 'pojištění domu',
    description: 'Words to find (websearch syntax: "a phrase", -excluded, or); words also match as prefixes',
  })
  @Trim()
  @IsString()
  @Length(1, 500)
  q!: string;

  @ApiPropertyOptional({ type: 'integer', default: 5, minimum: 1, maximum: 20, example: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  limit = 5;
}

/** One retrieved chunk, with what a citation needs. */
export class CitedChunkResponse {
  @ApiProperty({
    format: 'uuid',
    example: '1c3e5a7c-9e1b-4d3f-a5c7-e9b1d3f5a7c9',
    description: 'The document (its first version: stable across versions)',
  })
  documentId!: string;

  @ApiProperty({ example: 'House rules' })
  documentTitle!: string;

  @ApiProperty({
    format: 'uuid',
    example: '1c3e5a7c-9e1b-4d3f-a5c7-e9b1d3f5a7c9',
    description: 'The version the text comes from (GET /documents/{id})',
  })
  versionId!: string;

  @ApiProperty({ type: 'integer', nullable: true, example: 2, description: 'PDF page, when known' })
  page!: number | null;

  @ApiProperty({ type: 'integer', example: 0, description: 'Position of the chunk in the version, from 0' })
  chunkIndex!: number;

  @ApiProperty({ example: 'Quiet hours are from 22:00 to 6:00.' })
  text!: string;

  @ApiProperty({
    example: 0.0328,
    description: 'Relevance (fused rank score with vectors, else full-text rank)',
  })
  score!: number;

  @ApiProperty({ example: '/api/v1/documents/1c3e5a7c-9e1b-4d3f-a5c7-e9b1d3f5a7c9' })
  link!: string;
}

export class DocumentSearchResponse {
  @ApiProperty({ type: [CitedChunkResponse] })
  items!: CitedChunkResponse[];

  @ApiProperty({
    enum: ['hybrid', 'full_text'],
    example: 'full_text',
    description: 'hybrid: full text and vectors fused by reciprocal rank; full_text: no embeddings available',
  })
  mode!: 'hybrid' | 'full_text';
}
