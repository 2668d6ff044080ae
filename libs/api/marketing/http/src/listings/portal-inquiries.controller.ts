import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Scopes } from '@ppt/auth';
import type { Response } from 'express';
import { DeliveredInquiryResponse, DeliverInquiryDto } from '@ppt/api-marketing-core';
import { ListingsService } from '@ppt/api-marketing-core';

/** The scope the Reality Portal's client needs to deliver inquiries. */
export const INQUIRIES_SCOPE = 'listings:inquiries';

/** Service-to-service: the Reality Portal's worker hands over the inquiries visitors sent. */
@ApiTags('listings')
@ApiBearerAuth()
@Controller('portal/inquiries')
export class PortalInquiriesController {
  constructor(private readonly listings: ListingsService) {}

  @Post()
  @Scopes(INQUIRIES_SCOPE)
  @ApiCreatedResponse({
    type: DeliveredInquiryResponse,
    description: `Stored (needs a service token with scope ${INQUIRIES_SCOPE})`,
  })
  @ApiOkResponse({
    type: DeliveredInquiryResponse,
    description: 'This portal inquiry id was delivered before',
  })
  async deliver(
    @Body() dto: DeliverInquiryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DeliveredInquiryResponse> {
    const result = await this.listings.deliverInquiry(dto);
    res.status(result.created ? 201 : 200);
    return result;
  }
}
