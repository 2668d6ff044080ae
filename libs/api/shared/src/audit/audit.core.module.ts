import { Global, Module } from '@nestjs/common';
import { AuditLogRepository } from './audit-log.repository';
import { AuditService } from './audit.service';

@Global()
@Module({
  providers: [AuditService, AuditLogRepository],
  exports: [AuditService],
})
export class AuditCoreModule {}
