import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExcludeEndpoint,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { Public } from '@ppt/observability';
import type { Response } from 'express';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  CreatePushSubscriptionDto,
  NotificationSettingsDto,
  NotificationSettingsResponse,
  PushSubscriptionResponse,
  UnsubscribedResponse,
  UnsubscribeQueryDto,
  VapidKeyResponse,
} from '@ppt/api-community-core';
import { NotificationDeliveryService } from '@ppt/api-community-core';

/** Each member's own delivery settings and push devices (no role restriction). */
@ApiTags('notifications')
@ApiBearerAuth()
@RequirePermission(Permission.NotificationUse)
@Controller()
export class NotificationDeliveryController {
  constructor(private readonly delivery: NotificationDeliveryService) {}

  @Get('notification-settings')
  @ApiOkResponse({ type: NotificationSettingsResponse })
  settings(@CurrentTenant() t: Tenant): Promise<NotificationSettingsResponse> {
    return this.delivery.settings(t);
  }

  @Put('notification-settings')
  @ApiOkResponse({ type: NotificationSettingsResponse })
  updateSettings(
    @CurrentTenant() t: Tenant,
    @Body() dto: NotificationSettingsDto,
  ): Promise<NotificationSettingsResponse> {
    return this.delivery.updateSettings(t, dto);
  }

  @Get('push-subscriptions/vapid-public-key')
  @ApiOkResponse({ type: VapidKeyResponse })
  vapidKey(): VapidKeyResponse {
    return this.delivery.vapidPublicKey();
  }

  @Get('push-subscriptions')
  @ApiOkResponse({
    type: [PushSubscriptionResponse],
    description: "The caller's devices in this organisation",
  })
  subscriptions(@CurrentTenant() t: Tenant): Promise<PushSubscriptionResponse[]> {
    return this.delivery.subscriptions(t);
  }

  @Post('push-subscriptions')
  @ApiCreatedResponse({
    type: PushSubscriptionResponse,
    description:
      'Saved (the same endpoint again updates its keys). The endpoint must be https on port 443 (400 INVALID_PUSH_ENDPOINT); at most 10 subscriptions per user (409 PUSH_SUBSCRIPTION_LIMIT)',
  })
  subscribe(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreatePushSubscriptionDto,
  ): Promise<PushSubscriptionResponse> {
    return this.delivery.subscribe(t, dto);
  }

  @Delete('push-subscriptions/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  unsubscribeDevice(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.delivery.unsubscribeDevice(t, id);
  }
}

/**
 * The e-mails' unsubscribe link, without signing in. POST is RFC 8058's one-click request (mail
 * clients send `List-Unsubscribe=One-Click`; no redirect). GET only shows a button that POSTs, so
 * a mail scanner following links unsubscribes nobody.
 */
@ApiTags('notifications')
@Controller('notifications/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly delivery: NotificationDeliveryService) {}

  @Public()
  @Post()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOkResponse({ type: UnsubscribedResponse })
  unsubscribe(@Query() query: UnsubscribeQueryDto): Promise<UnsubscribedResponse> {
    return this.delivery.unsubscribe(query.token);
  }

  @Public()
  @Get()
  @ApiExcludeEndpoint()
  page(@Query() query: UnsubscribeQueryDto, @Res() res: Response): void {
    const ok = this.delivery.tokens.verify(query.token) !== null;
    const action = `?token=${encodeURIComponent(query.token)}`;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res
      .status(ok ? 200 : 400)
      .type('html')
      .send(
        ok
          ? `<!doctype html><title>Unsubscribe</title><form method="post" action="${action}">` +
              '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
              '<p>Stop these e-mails?</p><button type="submit">Unsubscribe</button></form>'
          : '<!doctype html><title>Unsubscribe</title><p>This unsubscribe link is not valid.</p>',
      );
  }
}
