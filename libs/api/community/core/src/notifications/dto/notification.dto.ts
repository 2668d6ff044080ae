import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_TYPES,
  type NotificationChannel,
  type NotificationType,
} from '@ppt/api-db';
import { IsOmittable, PageQueryDto, PageResponse } from '@ppt/http';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, ValidateNested } from 'class-validator';

export class ListNotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only unread ones', example: true })
  @IsOmittable()
  @Transform(({ value }: { value: unknown }) => value === true || value === 'true')
  @IsBoolean()
  unread?: boolean;
}

export class NotificationResponse {
  @ApiProperty({ example: '1e3a5c7e-9b1d-4f3a-8c5e-7a9b1d3f5e7a' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_TYPES, example: 'announcement' }) type!: NotificationType;
  @ApiProperty({ example: 'Water shut-off on Tuesday' }) title!: string;
  @ApiProperty({ example: 'From 8:00 to 12:00 because of pipe repairs.' }) body!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '/announcements/4a6c8e0a-2b4d-4f6a-8c0e-2a4c6e8a0b2d',
  })
  link!: string | null;
  @ApiPropertyOptional({ type: Date, nullable: true, example: null }) readAt!: Date | null;
  @ApiProperty({ example: '2026-11-21T09:30:00.000Z' }) createdAt!: Date;
}

export class NotificationPageResponse extends PageResponse(NotificationResponse) {
  @ApiProperty({ example: 3, description: 'Unread notifications in total' }) unread!: number;
}

export class PreferenceDto {
  @ApiProperty({ enum: NOTIFICATION_TYPES, example: 'announcement' })
  @IsIn(NOTIFICATION_TYPES)
  type!: NotificationType;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS, example: 'email' })
  @IsIn(NOTIFICATION_CHANNELS)
  channel!: NotificationChannel;

  @ApiProperty({ example: false })
  @IsBoolean()
  enabled!: boolean;
}

function preferenceKey(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const { type, channel } = item as Partial<PreferenceDto>;
  return `${String(type)}:${String(channel)}`;
}

export class UpdatePreferencesDto {
  @ApiProperty({ type: [PreferenceDto] })
  @IsArray()
  @ArrayMaxSize(NOTIFICATION_TYPES.length * NOTIFICATION_CHANNELS.length)
  // One upsert sets them all; PostgreSQL refuses to update the same row twice in it.
  @ArrayUnique(preferenceKey, { message: 'items must name each type and channel at most once' })
  @ValidateNested({ each: true })
  @Type(() => PreferenceDto)
  items!: PreferenceDto[];
}

export class PreferenceResponse extends PreferenceDto {
  @ApiProperty({ example: true, description: 'true when the user never changed it (the default applies)' })
  isDefault!: boolean;
}

export class PreferencesResponse {
  @ApiProperty({ type: [PreferenceResponse] }) items!: PreferenceResponse[];
}
