import { Module } from '@nestjs/common';
import { MailModule } from '@ppt/api-shared';
import { InfrastructureCoreModule } from '../infrastructure.core.module';
import { AlertDeliveryProcessor } from './alert-delivery.processor';

/** Worker side of the alert rules: the deliveries' consumer (the evaluation is @Scheduled in the core module). */
@Module({
  imports: [InfrastructureCoreModule, MailModule],
  providers: [AlertDeliveryProcessor],
})
export class AlertJobsModule {}
