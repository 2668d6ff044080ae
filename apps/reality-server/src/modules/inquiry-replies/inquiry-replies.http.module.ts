import { Module } from '@nestjs/common';
import { InquiryRepliesCoreModule } from './inquiry-replies.core.module';
import { MyInquiriesController } from './my-inquiries.controller';

@Module({
  imports: [InquiryRepliesCoreModule],
  controllers: [MyInquiriesController],
})
export class InquiryRepliesHttpModule {}
