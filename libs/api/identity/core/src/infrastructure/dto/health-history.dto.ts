import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HEALTH_APPS, HEALTH_STATUSES, type HealthApp, type HealthStatus } from '@ppt/api-db';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Outage } from '../health-history/health-history.rules';
import type {
  AppRecording,
  DependencySummary,
  HealthHistory,
  HealthSampleView,
} from '../health-history/health-history.service';

/** `GET /infrastructure/health/history`. */
export class HealthHistoryQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Start of the range (default: an hour before `to`); at most 7 days before `to`',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End of the range, exclusive (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: HEALTH_APPS, example: 'api-server' })
  @IsOptional()
  @IsIn(HEALTH_APPS)
  app?: HealthApp;

  @ApiPropertyOptional({
    description: "A readiness check's name, or `ready` (the app's verdict)",
    example: 'redis',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'dependency must be a readiness check name' })
  dependency?: string;

  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 500, example: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 100;

  @ApiPropertyOptional({ description: "The previous page's `nextCursor`" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a nextCursor of an earlier page' })
  cursor?: string;
}

export class HealthSampleResponse implements HealthSampleView {
  @ApiProperty({ format: 'date-time', example: '2026-12-07T17:40:00.012Z' }) recordedAt!: string;
  @ApiProperty({ enum: HEALTH_APPS, example: 'api-server' }) app!: HealthApp;
  @ApiProperty({ example: 'redis', description: "A readiness check's name, or `ready` (the app's verdict)" })
  dependency!: string;
  @ApiProperty({ enum: HEALTH_STATUSES, example: 'down' }) status!: HealthStatus;
  @ApiProperty({ example: 1000.4 }) latencyMs!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'timed out after 1000 ms',
    description: 'Why it was down',
  })
  error!: string | null;
}

export class OutageResponse implements Outage {
  @ApiProperty({ format: 'date-time', example: '2026-12-07T17:40:00.012Z', description: 'First sample down' })
  start!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-12-07T17:43:00.009Z',
    description: 'First sample up again; null while still down at the end of the range',
  })
  end!: string | null;
  @ApiProperty({ type: 'integer', example: 3, description: 'Down samples in a row' }) samples!: number;
}

export class DependencySummaryResponse implements DependencySummary {
  @ApiProperty({ enum: HEALTH_APPS, example: 'api-server' }) app!: HealthApp;
  @ApiProperty({ example: 'redis' }) dependency!: string;
  @ApiProperty({ type: 'integer', example: 60 }) samples!: number;
  @ApiProperty({ type: 'integer', example: 3 }) downSamples!: number;
  @ApiProperty({ example: 0.95, description: 'Samples up / samples' }) uptime!: number;
  @ApiProperty({ example: 2.4 }) p95LatencyMs!: number;
  @ApiProperty({ enum: HEALTH_STATUSES, example: 'up' }) lastStatus!: HealthStatus;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T18:39:00.010Z' }) lastRecordedAt!: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'Outages in the range' }) outageCount!: number;
  @ApiProperty({ type: [OutageResponse], description: 'The most recent 100, oldest first' })
  outages!: OutageResponse[];
}

export class AppRecordingResponse implements AppRecording {
  @ApiProperty({ enum: HEALTH_APPS, example: 'reality-server' }) app!: HealthApp;
  @ApiProperty({ example: false, description: 'The range has samples of the app' }) recorded!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    example:
      'No samples in the range: the api worker records reality-server only when HEALTH_HISTORY_REALITY_SERVER_URL is set',
    description: 'Why there may be none (null when recorded)',
  })
  reason!: string | null;
}

export class HealthHistoryResponse implements HealthHistory {
  @ApiProperty({ format: 'date-time', example: '2026-12-07T17:40:00.000Z' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T18:40:00.000Z' }) to!: string;
  @ApiProperty({ type: [AppRecordingResponse], description: 'Whether the range has samples of each app' })
  apps!: AppRecordingResponse[];
  @ApiProperty({
    type: [DependencySummaryResponse],
    description: 'Per app and dependency, over the whole range',
  })
  summary!: DependencySummaryResponse[];
  @ApiProperty({ type: [HealthSampleResponse], description: 'Samples in time order, one page' })
  items!: HealthSampleResponse[];
  @ApiProperty({ type: 'integer', example: 100 }) limit!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'WyIyMDI2LTEyLTA3VDE3OjQwOjAwLjAxMloiLCI1ZDdmOWIxYy0zZTVhLTRjN2UtOWExYi0zYzVlN2E5YjFkMmYiXQ',
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}
