import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_QUEUES } from '@ppt/queue';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import type { JobStats, JobTypeStats, LiveQueueCounts } from '../job-stats.service';

/** `GET /infrastructure/jobs/stats`. */
export class JobStatsQueryDto {
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

  @ApiPropertyOptional({ enum: ALL_QUEUES, example: 'syndication' })
  @IsOptional()
  @IsIn(ALL_QUEUES)
  queue?: string;
}

export class JobTypeStatsResponse implements JobTypeStats {
  @ApiProperty({ example: 'syndication' }) queue!: string;
  @ApiProperty({ example: 'portal-sync' }) name!: string;
  @ApiProperty({ type: 'integer', example: 120 }) runs!: number;
  @ApiProperty({ type: 'integer', example: 117 }) completed!: number;
  @ApiProperty({ type: 'integer', example: 3 }) failed!: number;
  @ApiProperty({ example: 0.975, description: 'completed / runs' }) successRate!: number;
  @ApiProperty({ type: 'integer', example: 4, description: 'Runs that were a retry' }) retries!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Failed last attempts (dead letters)' })
  deadLetters!: number;
  @ApiProperty({ example: 41.2 }) p50Ms!: number;
  @ApiProperty({ example: 380.5 }) p95Ms!: number;
}

export class LiveQueueCountsResponse implements LiveQueueCounts {
  @ApiProperty({ example: 'syndication' }) queue!: string;
  @ApiProperty({ type: 'integer', example: 2 }) waiting!: number;
  @ApiProperty({ type: 'integer', example: 1 }) active!: number;
  @ApiProperty({ type: 'integer', example: 0 }) delayed!: number;
  @ApiProperty({ type: 'integer', example: 3 }) failed!: number;
  @ApiProperty({ type: 'integer', example: 1000 }) completed!: number;
  @ApiProperty({ example: true, description: 'False when Redis did not answer in time' }) available!: boolean;
}

export class JobStatsResponse implements JobStats {
  @ApiProperty({ format: 'date-time', example: '2026-12-07T16:40:00.000Z' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T17:40:00.000Z' }) to!: string;
  @ApiProperty({ type: [JobTypeStatsResponse] }) jobs!: JobTypeStatsResponse[];
  @ApiProperty({ type: [LiveQueueCountsResponse], description: "Bull's counts now" })
  queues!: LiveQueueCountsResponse[];
}
