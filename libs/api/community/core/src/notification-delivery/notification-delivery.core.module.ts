import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { NotificationsCoreModule } from '../notifications/notifications.core.module';
import { NotificationDeliveryRepository } from './notification-delivery.repository';
import { NotificationDeliveryService } from './notification-delivery.service';
import { NotificationRecipients } from './notification-recipients';
import { NotificationReminders } from './notification-reminders';
import { PushSender } from './push-sender';

/** Notification delivery (in-app, e-mail, Web Push): the rules, the channels' senders and recipients. */
@Module({
  imports: [EventsModule, NotificationsCoreModule],
  providers: [NotificationDeliveryRepository, PushSender, NotificationDeliveryService, NotificationRecipients, NotificationReminders],
  // The repository, recipients and reminders go to this feature's own worker module only (not in the index).
  exports: [NotificationDeliveryService, NotificationDeliveryRepository, NotificationRecipients, NotificationReminders, PushSender],
})
export class NotificationDeliveryCoreModule {}
