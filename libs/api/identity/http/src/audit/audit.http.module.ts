import { Module } from '@nestjs/common';
import { AuditCoreModule } from '@ppt/api-shared';
import { AuditLogsController } from './audit-logs.controller';

/** Audit's routes; the rules live in AuditCoreModule. */
@Module({ imports: [AuditCoreModule], controllers: [AuditLogsController] })
export class AuditHttpModule {}
