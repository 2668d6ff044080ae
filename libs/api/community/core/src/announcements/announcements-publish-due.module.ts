import { Module } from '@nestjs/common';
import { AnnouncementsCoreModule } from './announcements.core.module';
import { AnnouncementsPublishDueProcessor } from './jobs/announcements-publish-due.processor';

/**
 * Worker side of announcements: the every-minute job's consumer; the handler (AnnouncementsPublishDue) is in
 * AnnouncementsCoreModule.
 */
@Module({
  imports: [AnnouncementsCoreModule],
  providers: [AnnouncementsPublishDueProcessor],
})
export class AnnouncementsPublishDueModule {}
