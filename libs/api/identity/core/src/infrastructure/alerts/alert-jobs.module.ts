import { Module } from '@nestjs/common';
import { MailModule } from '@ppt/api-shared';
import { REALTIME_OPTIONS, RealtimePublisher, type RealtimeOptions } from '@ppt/realtime';
import { UsersModule } from '../../users/users.module';
import { InfrastructureCoreModule } from '../infrastructure.core.module';
import { AlertDeliveryProcessor } from './alert-delivery.processor';

/**
 * Worker side of the alert rules: the deliveries' consumer (the evaluation is @Scheduled in the core
 * module). The in-app channel publishes on api-server's realtime direct channel, which every HTTP
 * pod's gateway hears; the worker runs no gateway, so the publisher needs only the app's name.
 */
@Module({
  imports: [InfrastructureCoreModule, MailModule, UsersModule],
  providers: [
    AlertDeliveryProcessor,
    RealtimePublisher,
    { provide: REALTIME_OPTIONS, useValue: { app: 'api-server' } satisfies Pick<RealtimeOptions, 'app'> },
  ],
})
export class AlertJobsModule {}
