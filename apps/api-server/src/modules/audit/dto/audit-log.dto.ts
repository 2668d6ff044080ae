import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQueryDto, PageResponse } from '../../../common/page.dto';

export class ListAuditLogsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'building' })
  @IsOptional()
  @Matches(/^[a-z_]{1,100}$/, { message: 'entityType must be a lower-case entity name' })
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  entityId?: string;

  @ApiPropertyOptional({ description: 'User id of the actor' })
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

export class AuditLogResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'building.updated' }) action!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) entityType!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) entityId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) actorUserId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) actorClientId!: string | null;
  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    example: { changes: { name: { before: 'A', after: 'B' } } },
  })
  details!: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: String, nullable: true }) requestId!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty() createdAt!: Date;
}

export class AuditLogPageResponse extends PageResponse(AuditLogResponse) {}
