import { Module } from '@nestjs/common';
import { ListingsModule } from '../listings/listings.module';
import { PortalRealtimeCoreModule } from '../realtime/realtime.core.module';
import { InquiriesController } from './inquiries.controller';
import { InquiriesRepository } from './inquiries.repository';
import { InquiriesService } from './inquiries.service';
import { InquiryDeliveryProcessor } from './inquiry-delivery.processor';
import { InquiryLimiter } from './inquiry-limiter';

/** The inquiries' repository, declared once for the HTTP module and the worker's delivery. */
@Module({
  providers: [InquiriesRepository],
  exports: [InquiriesRepository],
})
export class InquiriesCoreModule {}

@Module({
  imports: [InquiriesCoreModule, ListingsModule, PortalRealtimeCoreModule],
  controllers: [InquiriesController],
  providers: [InquiriesService, InquiryLimiter],
})
export class InquiriesModule {}

/** Worker side: delivery to api-server and the sweep (no controllers in workers). */
@Module({
  imports: [InquiriesCoreModule],
  providers: [InquiryDeliveryProcessor],
})
export class InquiryDeliveryModule {}
