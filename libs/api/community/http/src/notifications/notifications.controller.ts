import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { Permission, RequirePermission } from '@ppt/auth';
import {
  ListNotificationsQueryDto,
  NotificationPageResponse,
  PreferencesResponse,
  UpdatePreferencesDto,
} from '@ppt/api-community-core';
import { NotificationsService } from '@ppt/api-community-core';

class MarkedResponse {
  @ApiProperty({ example: 4 }) marked!: number;
}

/** Every member reads and manages their own notifications (no role restriction). */
@ApiTags('notifications')
@ApiBearerAuth()
@RequirePermission(Permission.NotificationUse)
@Controller()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('notifications')
  @ApiOkResponse({ type: NotificationPageResponse, description: 'Newest first; `unread` counts all unread' })
  list(
    @CurrentTenant() t: Tenant,
    @Query() query: ListNotificationsQueryDto,
  ): Promise<NotificationPageResponse> {
    return this.notifications.list(t, query);
  }

  @Post('notifications/read-all')
  @HttpCode(200)
  @ApiOkResponse({ type: MarkedResponse })
  readAll(@CurrentTenant() t: Tenant): Promise<MarkedResponse> {
    return this.notifications.markAllRead(t);
  }

  @Post('notifications/:id/read')
  @HttpCode(204)
  @ApiNoContentResponse()
  read(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.notifications.markRead(t, id);
  }

  @Get('notification-preferences')
  @ApiOkResponse({ type: PreferencesResponse, description: 'Every type and channel (in_app, email, push)' })
  preferences(@CurrentTenant() t: Tenant): Promise<PreferencesResponse> {
    return this.notifications.preferences(t);
  }

  @Put('notification-preferences')
  @ApiOkResponse({ type: PreferencesResponse, description: 'Sets the given ones; others keep their value' })
  updatePreferences(
    @CurrentTenant() t: Tenant,
    @Body() dto: UpdatePreferencesDto,
  ): Promise<PreferencesResponse> {
    return this.notifications.updatePreferences(t, dto);
  }
}
