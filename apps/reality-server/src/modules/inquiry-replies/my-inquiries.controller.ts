import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Visitor, type VisitorPrincipal } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import { MyInquiryPageResponse, type MyInquiryResponse } from './dto/my-inquiry.dto';
import { InquiryRepliesService } from './inquiry-replies.service';

/** Signed-in visitors only (SSO): the inquiries they sent while signed in, with the realtors' replies. */
@ApiTags('inquiries')
@ApiBearerAuth()
@Controller('me/inquiries')
export class MyInquiriesController {
  constructor(private readonly inquiries: InquiryRepliesService) {}

  @Get()
  @ApiOkResponse({ type: MyInquiryPageResponse, description: 'Newest first' })
  list(@Visitor() visitor: VisitorPrincipal, @Query() page: PageQueryDto): Promise<Page<MyInquiryResponse>> {
    return this.inquiries.mine(visitor.userId, page);
  }
}
