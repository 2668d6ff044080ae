import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { PageQueryDto, PageResponse } from '@ppt/http';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  ALERT_COMPARATORS,
  ALERT_RULE_KINDS,
  ALERT_SEVERITIES,
  type AlertComparator,
  type AlertRuleKind,
} from '../alerts/alert-rule-kinds';

export class AlertChannelsDto {
  @ApiPropertyOptional({ type: [String], maxItems: 20, example: ['ops@example.com'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEmail({}, { each: true })
  emails?: string[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'https URL (plain http only to an allow-listed address); null removes the webhook',
    example: 'https://hooks.example.com/ppt-alerts',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  webhookUrl?: string | null;

  @ApiPropertyOptional({
    default: false,
    description: 'A realtime event (alert.firing / alert.resolved) to every platform administrator signed in',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  inApp?: boolean;
}

/** `POST /infrastructure/alert-rules`. `params` are validated per `kind` (docs/observability.md). */
export class CreateAlertRuleDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Maintenance jobs failing' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[^\r\n]*$/, { message: 'must be one line' })
  name!: string;

  @ApiProperty({ enum: ALERT_RULE_KINDS, example: 'job_failure_rate' })
  @IsIn(ALERT_RULE_KINDS)
  kind!: AlertRuleKind;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Per kind: windowSeconds (60–86400) except queue_backlog_age; queue, job, route, metric, matchers, aggregation',
    example: { windowSeconds: 300, queue: 'maintenance' },
  })
  @IsObject()
  params!: Record<string, unknown>;

  @ApiProperty({ enum: ALERT_COMPARATORS, example: '>' })
  @IsIn(ALERT_COMPARATORS)
  comparator!: AlertComparator;

  @ApiProperty({ example: 0.2, description: 'A share (0–1) for the *_rate kinds' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  threshold!: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 86400, default: 0, example: 120 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  forSeconds?: number;

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES, default: 'warning', example: 'critical' })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES)
  severity?: string;

  @ApiPropertyOptional({ default: true, example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({ type: AlertChannelsDto })
  @ValidateNested()
  @Type(() => AlertChannelsDto)
  channels!: AlertChannelsDto;
}

/** `PATCH /infrastructure/alert-rules/:id`: the fields given replace the rule's (validated as a whole). */
export class UpdateAlertRuleDto extends PartialType(CreateAlertRuleDto) {}

export class AlertRuleIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class AlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'firing', 'resolved'], example: 'firing' })
  @IsOptional()
  @IsIn(['pending', 'firing', 'resolved'])
  state?: 'pending' | 'firing' | 'resolved';
}

export class AlertChannelsResponse {
  @ApiProperty({ type: [String], example: ['ops@example.com'] }) emails!: string[];
  @ApiProperty({ type: String, nullable: true, example: 'https://hooks.example.com/ppt-alerts' })
  webhookUrl!: string | null;
  @ApiProperty({ example: true }) inApp!: boolean;
}

export class AlertRuleResponse {
  @ApiProperty({ format: 'uuid', example: '3f0b1c2e-8d4a-4f5e-9b6c-7a8d9e0f1a2b' }) id!: string;
  @ApiProperty({ example: 'Maintenance jobs failing' }) name!: string;
  @ApiProperty({ enum: ALERT_RULE_KINDS, example: 'job_failure_rate' }) kind!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { windowSeconds: 300, queue: 'maintenance' } })
  params!: Record<string, unknown>;
  @ApiProperty({ enum: ALERT_COMPARATORS, example: '>' }) comparator!: string;
  @ApiProperty({ example: 0.2 }) threshold!: number;
  @ApiProperty({ type: 'integer', example: 120 }) forSeconds!: number;
  @ApiProperty({ enum: ALERT_SEVERITIES, example: 'critical' }) severity!: string;
  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiProperty({ type: AlertChannelsResponse }) channels!: AlertChannelsResponse;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-12-07T17:40:00.000Z' })
  lastEvaluatedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'fewer than two scrapes in the last 300 s' })
  lastError!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T16:40:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T16:40:00.000Z' }) updatedAt!: string;
}

/** The answer of a save that made a webhook secret: the only time it is shown. */
export class SavedAlertRuleResponse extends AlertRuleResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'HMAC-SHA256 key of the webhook signature; shown once, when the webhook is first set',
    example: 'whsec_9c1d4e0b7f2a4c58b1e3d6f7a8b9c0d1e2f3a4b5c6d7e8f9',
  })
  webhookSecret!: string | null;
}

export class AlertRulePageResponse extends PageResponse(AlertRuleResponse) {}

export class AlertResponse {
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '3f0b1c2e-8d4a-4f5e-9b6c-7a8d9e0f1a2b' }) ruleId!: string;
  @ApiProperty({ example: 'Maintenance jobs failing' }) ruleName!: string;
  @ApiProperty({ enum: ALERT_SEVERITIES, example: 'critical' }) severity!: string;
  @ApiProperty({ example: 'queue=maintenance' }) fingerprint!: string;
  @ApiProperty({ enum: ['pending', 'firing', 'resolved'], example: 'firing' }) state!: string;
  @ApiProperty({ example: 0.5, description: 'The value at the last evaluation' }) value!: number;
  @ApiProperty({ format: 'date-time', example: '2026-12-07T17:38:00.000Z' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-12-07T17:40:00.000Z' })
  firedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  resolvedAt!: string | null;
}

export class AlertPageResponse extends PageResponse(AlertResponse) {}
