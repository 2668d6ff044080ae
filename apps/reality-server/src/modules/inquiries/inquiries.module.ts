import { Module } from '@nestjs/common';
import { ListingsModule } from '../listings/listings.module';
import { PortalRealtimeCoreModule } from '../realtime/realtime.core.module';
import { InquiriesController } from './inquiries.controller';
import { InquiriesRepository } from './inquiries.repository';
import { InquiriesService } from './inquiries.service';
import { InquiryDeliveryProcessor } from './inquiry-delivery.processor';
import { InquiryLimiter } from './inquiry-limiter';

@Module({
  imports: [ListingsModule, PortalRealtimeCoreModule],
  controllers: [InquiriesController],
  providers: [InquiriesRepository, InquiriesService, InquiryLimiter],
})
export class InquiriesModule {}

/** Worker side: delivery to api-server and the sweep (no controllers in workers). */
@Module({
  providers: [InquiriesRepository, InquiryDeliveryProcessor],
})
export class InquiryDeliveryModule {}
