import { Module } from '@nestjs/common';
import { NotificationDeliveryController, UnsubscribeController } from './notification-delivery.controller';
import { NotificationDeliveryCoreModule } from './notification-delivery.core.module';

@Module({
  imports: [NotificationDeliveryCoreModule],
  controllers: [NotificationDeliveryController, UnsubscribeController],
})
export class NotificationDeliveryHttpModule {}
