import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { DocumentsModule } from '../documents/documents.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { AnnouncementChanges } from './announcement-changes';
import { AnnouncementsController } from './announcements.controller';
import { AnnouncementsRepository } from './announcements.repository';
import { AnnouncementsService } from './announcements.service';

@Module({
  imports: [EventsModule, NotificationsModule, DocumentsModule],
  controllers: [AnnouncementsController],
  providers: [AnnouncementsRepository, AnnouncementChanges, AnnouncementsService],
})
export class AnnouncementsModule {}
