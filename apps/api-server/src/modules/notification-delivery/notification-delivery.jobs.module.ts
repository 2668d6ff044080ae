import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { MailModule } from '../mail/mail.module';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { UsersModule } from '../users/users.module';
import { DeliverNotificationProcessor } from './jobs/deliver-notification.processor';
import { NotificationTriggersProcessor } from './jobs/notification-triggers.processor';
import { NotificationDeliveryRepository } from './notification-delivery.repository';
import { NotificationDeliveryService } from './notification-delivery.service';
import { NotificationRecipients } from './notification-recipients';
import { NotificationReminders } from './notification-reminders';
import { PushSender } from './push-sender';

/** The worker side: the event triggers and the senders (consumers of the notifications queue). */
@Module({
  imports: [EventsModule, MailModule, UsersModule],
  providers: [
    NotificationsRepository,
    NotificationsService,
    NotificationDeliveryRepository,
    PushSender,
    NotificationDeliveryService,
    NotificationRecipients,
    NotificationReminders,
    NotificationTriggersProcessor,
    DeliverNotificationProcessor,
  ],
})
export class NotificationDeliveryJobsModule {}
