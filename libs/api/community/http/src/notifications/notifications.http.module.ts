import { Module } from '@nestjs/common';
import { NotificationsCoreModule } from '@ppt/api-community-core';
import { NotificationsController } from './notifications.controller';

/** Notifications's routes; the rules live in NotificationsCoreModule. */
@Module({ imports: [NotificationsCoreModule], controllers: [NotificationsController] })
export class NotificationsHttpModule {}
