import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto, PageResponse } from '@ppt/http';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import type { SpanNode, TraceSummary, TraceTree } from '../traces.service';

const STATUSES = ['error', 'ok', 'unset'] as const;

/** `GET /infrastructure/traces`: traces with at least one span matching every given filter. */
export class TraceSearchQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Service name (api-server, reality-server, …)', example: 'api-server' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  service?: string;

  @ApiPropertyOptional({ description: 'Span name, exactly', example: 'process syndication portal-sync' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  operation?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Spans at least this long', example: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minDurationMs?: number;

  @ApiPropertyOptional({ enum: STATUSES, description: 'error: spans that failed' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Start of the range (default: an hour before `to`); at most 7 days before `to`',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End of the range (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class TraceSummaryResponse implements TraceSummary {
  @ApiProperty({ example: '4bf92f3577b34da6a3ce929d0e0e4736' }) traceId!: string;
  @ApiProperty({ example: 'reality-server', description: 'Service of the earliest stored span' })
  rootService!: string;
  @ApiProperty({ example: 'GET /api/v1/listings' }) rootOperation!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T17:40:00.000Z' }) startedAt!: string;
  @ApiProperty({ example: 42.5 }) durationMs!: number;
  @ApiProperty({ type: 'integer', example: 12 }) spanCount!: number;
  @ApiProperty({ type: 'integer', example: 0 }) errorCount!: number;
  @ApiProperty({ type: [String], example: ['api-server', 'reality-server'] }) services!: string[];
}

export class TracePageResponse extends PageResponse(TraceSummaryResponse) {}

export class SpanNodeResponse implements SpanNode {
  @ApiProperty({ example: '00f067aa0ba902b7' }) spanId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'a3ce929d0e0e4736' }) parentSpanId!: string | null;
  @ApiProperty({ example: 'api-server' }) service!: string;
  @ApiProperty({ example: 'POST /api/v1/auth/introspect' }) operation!: string;
  @ApiProperty({ enum: ['internal', 'server', 'client', 'producer', 'consumer'], example: 'server' })
  kind!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T17:40:00.000Z' }) startTime!: string;
  @ApiProperty({ example: 3.2, description: 'Milliseconds after the first span of the trace started' })
  offsetMs!: number;
  @ApiProperty({ example: 12.7 }) durationMs!: number;
  @ApiProperty({ enum: STATUSES, example: 'unset' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) statusMessage!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'OpenTelemetry attributes (query strings removed)',
    example: { 'http.request.method': 'POST', 'url.path': '/api/v1/auth/introspect' },
  })
  attributes!: Record<string, unknown>;
  @ApiProperty({ type: () => [SpanNodeResponse] }) children!: SpanNodeResponse[];
}

export class TraceResponse implements TraceTree {
  @ApiProperty({ example: '4bf92f3577b34da6a3ce929d0e0e4736' }) traceId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T17:40:00.000Z' }) startedAt!: string;
  @ApiProperty({ example: 120.4 }) durationMs!: number;
  @ApiProperty({ type: 'integer', example: 12 }) spanCount!: number;
  @ApiProperty({ type: [SpanNodeResponse], description: 'Spans whose parent is not in the store' })
  roots!: SpanNodeResponse[];
}

/** A W3C trace id: 32 lowercase hex digits, not all zero (https://www.w3.org/TR/trace-context/#trace-id). */
export const TRACE_ID_PATTERN = /^(?!0{32})[0-9a-f]{32}$/;
export class TraceIdParam {
  @ApiProperty({ example: '4bf92f3577b34da6a3ce929d0e0e4736' })
  @Matches(TRACE_ID_PATTERN, { message: 'traceId must be 32 lowercase hex digits' })
  traceId!: string;
}
