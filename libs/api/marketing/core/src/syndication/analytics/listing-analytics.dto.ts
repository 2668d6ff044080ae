import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { SYNDICATION_PORTALS, type SyndicationPortal } from '@ppt/api-db';
import { EXAMPLE_ID } from '@ppt/api-shared';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class ListingAnalyticsQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'First UTC day (default: 29 days before `to`)' })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a day (YYYY-MM-DD)' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last UTC day, inclusive (default: today)' })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a day (YYYY-MM-DD)' })
  to?: string;
}

export class AnalyticsCounts {
  @ApiProperty({ example: 412 }) views!: number;
  @ApiProperty({ example: 17 }) favorites!: number;
  @ApiProperty({ example: 3 }) inquiries!: number;
}

export class PortalAnalytics extends AnalyticsCounts {
  @ApiProperty({ enum: SYNDICATION_PORTALS, example: 'sreality' }) portal!: SyndicationPortal;
}

export class DailyPortalAnalytics extends PortalAnalytics {
  @ApiProperty({ example: '2026-11-21', description: 'UTC day' }) day!: string;
}

export class ListingAnalyticsResponse {
  @ApiProperty({ example: EXAMPLE_ID.listing }) listingId!: string;
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-11-30' }) to!: string;
  @ApiProperty({ type: AnalyticsCounts, description: 'Every portal together' }) totals!: AnalyticsCounts;
  @ApiProperty({ type: [PortalAnalytics], description: 'Per portal that reported anything in the range' })
  portals!: PortalAnalytics[];
  @ApiProperty({ type: [DailyPortalAnalytics], description: 'Per day and portal with anything reported' })
  days!: DailyPortalAnalytics[];
}
