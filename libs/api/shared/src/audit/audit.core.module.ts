import { Global, Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { TenantUnitOfWork } from '../common/tenant-unit-of-work';
import { AuditLogRepository } from './audit-log.repository';
import { AuditService } from './audit.service';

/** Global: every core audits, and does tenant work through the unit of work (which audits). */
@Global()
@Module({
  imports: [EventsModule],
  providers: [AuditService, AuditLogRepository, TenantUnitOfWork],
  exports: [AuditService, TenantUnitOfWork],
})
export class AuditCoreModule {}
