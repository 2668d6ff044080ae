import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { DocumentsCoreModule } from '@ppt/api-documents-core';
import { NotificationsCoreModule } from '../notifications/notifications.core.module';
import { AnnouncementChanges } from './announcement-changes';
import { AnnouncementsPublishDue } from './announcements-publish-due';
import { AnnouncementsRepository } from './announcements.repository';
import { AnnouncementsService } from './announcements.service';

@Module({
  imports: [EventsModule, NotificationsCoreModule, DocumentsCoreModule],
  providers: [AnnouncementsRepository, AnnouncementChanges, AnnouncementsService, AnnouncementsPublishDue],
  exports: [AnnouncementChanges, AnnouncementsService, AnnouncementsPublishDue],
})
export class AnnouncementsCoreModule {}
