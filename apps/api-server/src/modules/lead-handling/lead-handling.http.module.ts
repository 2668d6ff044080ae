import { Module } from '@nestjs/common';
import { LeadHandlingController } from './lead-handling.controller';
import { LeadHandlingCoreModule } from './lead-handling.core.module';

@Module({
  imports: [LeadHandlingCoreModule],
  controllers: [LeadHandlingController],
})
export class LeadHandlingHttpModule {}
