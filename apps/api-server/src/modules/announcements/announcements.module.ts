import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { NotificationsModule } from '../notifications/notifications.module';
import { AnnouncementChanges } from './announcement-changes';
import { AnnouncementsController } from './announcements.controller';
import { AnnouncementsRepository } from './announcements.repository';
import { AnnouncementsService } from './announcements.service';

@Module({
  imports: [EventsModule, NotificationsModule],
  controllers: [AnnouncementsController],
  providers: [AnnouncementsRepository, AnnouncementChanges, AnnouncementsService],
})
export class AnnouncementsModule {}
