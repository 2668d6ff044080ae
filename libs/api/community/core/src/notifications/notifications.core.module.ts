import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

@Module({
  imports: [EventsModule],
  providers: [NotificationsRepository, NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsCoreModule {}
