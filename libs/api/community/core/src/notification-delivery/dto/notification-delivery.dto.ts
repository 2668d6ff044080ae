import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable } from '@ppt/http';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class NotificationSettingsDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '22:00',
    description: 'Local time (HH:MM); null = none',
  })
  @ValidateIf((_, v) => v !== null)
  @Matches(HHMM, { message: 'quietHoursStart must be HH:MM or null' })
  quietHoursStart!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '07:00',
    description: 'Local time (HH:MM); null = none',
  })
  @ValidateIf((_, v) => v !== null)
  @Matches(HHMM, { message: 'quietHoursEnd must be HH:MM or null' })
  quietHoursEnd!: string | null;

  @ApiProperty({ example: 'Europe/Prague', description: 'IANA time zone of the quiet hours and the digest' })
  @IsString()
  @MaxLength(64)
  timeZone!: string;

  @ApiProperty({ example: false, description: 'E-mails gathered into one a day' })
  @IsBoolean()
  emailDigest!: boolean;
}

export class NotificationSettingsResponse extends NotificationSettingsDto {}

export class PushKeysDto {
  @ApiProperty({
    example: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{80,100}$/, { message: 'keys.p256dh must be a base64url P-256 public key' })
  p256dh!: string;

  @ApiProperty({ example: 'tBHItJI5svbpez7KI4CCXg' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,30}$/, { message: 'keys.auth must be a base64url 16-byte secret' })
  auth!: string;
}

/** A browser PushSubscription as `JSON.stringify(subscription)` gives it (W3C Push API). */
export class CreatePushSubscriptionDto {
  @ApiProperty({ example: 'https://fcm.googleapis.com/fcm/send/c1KrmpTuRm…' })
  @IsString()
  @MinLength(10)
  @MaxLength(2000)
  endpoint!: string;

  @ApiProperty({ type: PushKeysDto })
  @ValidateNested()
  @Type(() => PushKeysDto)
  keys!: PushKeysDto;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Firefox on my laptop' })
  @IsOmittable()
  @IsString()
  @MaxLength(200)
  deviceLabel?: string | null;
}

export class PushSubscriptionResponse {
  @ApiProperty({ example: '1e3a5c7e-9b1d-4f3a-8c5e-7a9b1d3f5e7a' }) id!: string;
  @ApiProperty({ example: 'https://fcm.googleapis.com/fcm/send/c1KrmpTuRm…' }) endpoint!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Firefox on my laptop' }) deviceLabel!:
    string | null;
  @ApiProperty({ example: '2026-12-07T09:30:00.000Z' }) createdAt!: Date;
}

export class VapidKeyResponse {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U',
    description: 'applicationServerKey for PushManager.subscribe(); null when push is off on this server',
  })
  publicKey!: string | null;
}

export class UnsubscribeQueryDto {
  @ApiProperty({ description: 'The signed token of the e-mail link' })
  @IsString()
  @MaxLength(500)
  token!: string;
}

export class UnsubscribedResponse {
  @ApiProperty({ example: 'fault_update', description: 'The notification type turned off (`*`: all)' })
  type!: string;
  @ApiProperty({ example: 'email' }) channel!: string;
}
