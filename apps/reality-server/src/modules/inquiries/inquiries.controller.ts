import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OptionalSignIn, OptionalVisitor, type VisitorPrincipal } from '@ppt/auth';
import { ApiRateLimited, ClientIp } from '@ppt/http';
import { CreateInquiryDto, InquiryReceivedResponse } from './dto/inquiry.dto';
import { ANONYMOUS_INQUIRIES_PER_HOUR, VISITOR_INQUIRIES_PER_HOUR } from './inquiry-limiter';
import { InquiriesService } from './inquiries.service';

@ApiTags('inquiries')
@ApiBearerAuth()
@Controller('listings/:id/inquiries')
export class InquiriesController {
  constructor(private readonly inquiries: InquiriesService) {}

  @Post()
  @OptionalSignIn()
  @ApiRateLimited()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: InquiryReceivedResponse,
    description: `Anonymous or signed in. At most ${ANONYMOUS_INQUIRIES_PER_HOUR} per hour per IP anonymously, ${VISITOR_INQUIRIES_PER_HOUR} per account (429 with Retry-After).`,
  })
  send(
    @Param('id', ParseUUIDPipe) listingId: string,
    @Body() dto: CreateInquiryDto,
    @OptionalVisitor() visitor: VisitorPrincipal | undefined,
    @ClientIp() ip: string | null,
  ): Promise<InquiryReceivedResponse> {
    return this.inquiries.send(listingId, dto, visitor, ip);
  }
}
