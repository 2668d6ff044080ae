import { Module } from '@nestjs/common';
import { LeadHandlingController } from './lead-handling.controller';
import { LeadHandlingCoreModule } from '@ppt/api-marketing-core';

@Module({
  imports: [LeadHandlingCoreModule],
  controllers: [LeadHandlingController],
})
export class LeadHandlingHttpModule {}
