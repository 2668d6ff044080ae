import { Module } from '@nestjs/common';
import { InquiryRepliesRepository } from './inquiry-replies.repository';
import { InquiryRepliesService } from './inquiry-replies.service';
import { InquiryReplyProcessor } from './inquiry-reply.processor';

/** The service only is exported. */
@Module({
  providers: [InquiryRepliesRepository, InquiryRepliesService],
  exports: [InquiryRepliesService],
})
export class InquiryRepliesCoreModule {}

/** Worker side: replies handed over by api-server. */
@Module({
  imports: [InquiryRepliesCoreModule],
  providers: [InquiryReplyProcessor],
})
export class InquiryRepliesJobsModule {}
