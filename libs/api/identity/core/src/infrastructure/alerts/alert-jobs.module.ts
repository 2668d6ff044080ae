import { Module } from '@nestjs/common';
import { MailModule } from '@ppt/api-shared';
import { RealtimeModule } from '@ppt/realtime';
import { UsersModule } from '../../users/users.module';
import { InfrastructureCoreModule } from '../infrastructure.core.module';
import { AlertDeliveryProcessor } from './alert-delivery.processor';

/**
 * Worker side of the alert rules: the deliveries' consumer (the evaluation is @Scheduled in the core
 * module). The in-app channel publishes to api-server's sockets through its gateways' direct channel.
 */
@Module({
  imports: [InfrastructureCoreModule, MailModule, UsersModule, RealtimeModule.forPublisher('api-server')],
  providers: [AlertDeliveryProcessor],
})
export class AlertJobsModule {}
