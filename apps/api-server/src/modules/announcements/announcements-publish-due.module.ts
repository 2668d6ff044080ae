import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { AuditService } from '../audit/audit.service';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { AnnouncementChanges } from './announcement-changes';
import { AnnouncementsPublishDue } from './announcements-publish-due';
import { AnnouncementsRepository } from './announcements.repository';
import { AnnouncementsPublishDueProcessor } from './jobs/announcements-publish-due.processor';

/**
 * Worker side of announcements: the every-minute job publishing scheduled ones. No controllers (workers
 * serve no API), so the audit and notification writers are provided without their HTTP modules.
 */
@Module({
  imports: [EventsModule],
  providers: [
    AuditLogRepository,
    AuditService,
    NotificationsRepository,
    NotificationsService,
    AnnouncementsRepository,
    AnnouncementChanges,
    AnnouncementsPublishDue,
    AnnouncementsPublishDueProcessor,
  ],
  exports: [AnnouncementsPublishDue],
})
export class AnnouncementsPublishDueModule {}
