import { Module } from '@nestjs/common';
import { NotificationDeliveryController, UnsubscribeController } from './notification-delivery.controller';
import { NotificationDeliveryCoreModule } from '@ppt/api-community-core';

@Module({
  imports: [NotificationDeliveryCoreModule],
  controllers: [NotificationDeliveryController, UnsubscribeController],
})
export class NotificationDeliveryHttpModule {}
