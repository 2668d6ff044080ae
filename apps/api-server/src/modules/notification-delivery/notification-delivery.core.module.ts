import { Module } from '@nestjs/common';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { EventsModule } from '@ppt/events';
import { NotificationDeliveryRepository } from './notification-delivery.repository';
import { NotificationDeliveryService } from './notification-delivery.service';
import { PushSender } from './push-sender';

/**
 * Notification delivery (in-app, e-mail, Web Push): the service only. The notifications providers
 * are declared here rather than importing NotificationsModule, whose controller must not come along
 * into the worker (as in LeadsModule).
 */
@Module({
  imports: [EventsModule],
  providers: [
    NotificationsRepository,
    NotificationsService,
    NotificationDeliveryRepository,
    PushSender,
    NotificationDeliveryService,
  ],
  exports: [NotificationDeliveryService],
})
export class NotificationDeliveryCoreModule {}
