import { Module } from '@nestjs/common';
import { MailModule } from '@ppt/api-shared';
import { UsersModule } from '@ppt/api-identity-core';
import { DeliverNotificationProcessor } from './jobs/deliver-notification.processor';
import { NotificationTriggersProcessor } from './jobs/notification-triggers.processor';
import { NotificationDeliveryCoreModule } from './notification-delivery.core.module';

/** The worker side: the event triggers and the senders (consumers of the notifications queue). */
@Module({
  imports: [NotificationDeliveryCoreModule, MailModule, UsersModule],
  providers: [NotificationTriggersProcessor, DeliverNotificationProcessor],
})
export class NotificationDeliveryJobsModule {}
