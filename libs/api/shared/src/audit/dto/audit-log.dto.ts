import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto, PageResponse } from '@ppt/http';
import { EXAMPLE_ID, EXAMPLE_TIME } from '../../common/examples';

/** Filters every audit listing has: who acted, and a time window [from, to). */
class AuditWindowQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'User id of the actor', example: EXAMPLE_ID.user })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

export class ListAuditLogsQueryDto extends AuditWindowQueryDto {
  @ApiPropertyOptional({ example: 'building' })
  @IsOptional()
  @Matches(/^[a-z_]{1,100}$/, { message: 'entityType must be a lower-case entity name' })
  entityType?: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.building })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  entityId?: string;
}

/** Security events without an organisation, for platform administrators. */
export class ListPlatformAuditLogsQueryDto extends AuditWindowQueryDto {
  @ApiPropertyOptional({ example: 'auth.login_failed' })
  @IsOptional()
  @Matches(/^[a-z_]{1,50}\.[a-z_]{1,50}$/, {
    message: 'action must be an audit action such as auth.login_failed',
  })
  action?: string;
}

export class AuditLogResponse {
  @ApiProperty({ example: EXAMPLE_ID.auditLog }) id!: string;
  @ApiProperty({ example: 'building.updated' }) action!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'building' }) entityType!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.building })
  entityId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user })
  actorUserId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'reality-portal' })
  actorClientId!: string | null;
  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    example: { changes: { floors: { before: 5, after: 6 } } },
  })
  details!: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.request })
  requestId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '203.0.113.24' }) ip!: string | null;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) createdAt!: Date;
}

export class AuditLogPageResponse extends PageResponse(AuditLogResponse) {}
