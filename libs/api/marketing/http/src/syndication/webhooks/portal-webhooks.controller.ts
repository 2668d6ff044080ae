import { Controller, HttpCode, Param, Post, Req, Res, type RawBodyRequest } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { SyndicationPortal } from '@ppt/api-db';
import { Public } from '@ppt/observability';
import type { Request, Response } from 'express';
import { ApiPortalParam, portalParam } from '@ppt/api-marketing-core';
import { PortalWebhookAck, PortalWebhookEventDoc } from '@ppt/api-marketing-core';
import { PortalWebhooksService } from '@ppt/api-marketing-core';

/** Portals tell us about our adverts. No bearer token: the Standard Webhooks signature authenticates. */
@ApiTags('syndication')
@Public()
@Controller('webhooks/portals')
export class PortalWebhooksController {
  constructor(private readonly webhooks: PortalWebhooksService) {}

  @Post(':portal')
  @ApiPortalParam()
  @HttpCode(200)
  @ApiOperation({
    summary: 'An event from a portal about one of our adverts (Standard Webhooks)',
    description:
      "Signed with one of the organisation's inbound secrets for the portal (HMAC-SHA256 over id, timestamp and raw body; " +
      '5-minute tolerance). 401 WEBHOOK_SIGNATURE_INVALID (also for an unknown advert), 401 WEBHOOK_TIMESTAMP_STALE, ' +
      '400 WEBHOOK_PAYLOAD_INVALID, 404 unknown portal.',
  })
  @ApiHeader({ name: 'webhook-id', required: true, description: "The portal's event id (deduplication)" })
  @ApiHeader({ name: 'webhook-timestamp', required: true, description: 'Unix seconds' })
  @ApiHeader({ name: 'webhook-signature', required: true, description: 'v1,<base64 HMAC> (space-separated)' })
  @ApiBody({ type: PortalWebhookEventDoc })
  @ApiUnauthorizedResponse({
    description: 'WEBHOOK_SIGNATURE_INVALID (also for an unknown advert), WEBHOOK_TIMESTAMP_STALE',
  })
  @ApiOkResponse({
    type: PortalWebhookAck,
    description: 'Applied, or a duplicate of an event already applied',
  })
  @ApiAcceptedResponse({
    type: PortalWebhookAck,
    description: 'An event type we do not know: logged and ignored',
  })
  async receive(
    @Param('portal', portalParam) portal: SyndicationPortal,
    @Req() req: RawBodyRequest<Request>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PortalWebhookAck> {
    const ack = await this.webhooks.receive(portal, req.rawBody, req.body as unknown, req.headers);
    if (ack.status === 'ignored') res.status(202);
    return ack;
  }
}
