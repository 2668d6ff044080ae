import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import type { Page } from '@ppt/http';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  AnnouncementPageResponse,
  AnnouncementResponse,
  CommentListResponse,
  CommentResponse,
  CreateAnnouncementDto,
  CreateCommentDto,
  ListAnnouncementsQueryDto,
  ReceiptReportResponse,
  ScheduleAnnouncementDto,
  UpdateAnnouncementDto,
} from '@ppt/api-community-core';
import { AnnouncementsService } from '@ppt/api-community-core';

class DueAnnouncementsResponse {
  @ApiProperty({ type: [AnnouncementResponse] }) items!: AnnouncementResponse[];
}

/** org_admin and manager write and run announcements; every member reads those addressed to them. */
@ApiTags('announcements')
@ApiBearerAuth()
@RequirePermission(Permission.AnnouncementManage)
@Controller('announcements')
export class AnnouncementsController {
  constructor(private readonly announcements: AnnouncementsService) {}

  @Get()
  @RequirePermission(Permission.AnnouncementRead)
  @ApiOkResponse({
    type: AnnouncementPageResponse,
    description: 'Managers see all; others the published ones addressed to them. Pinned first, then newest.',
  })
  list(
    @CurrentTenant() t: Tenant,
    @Query() query: ListAnnouncementsQueryDto,
  ): Promise<Page<AnnouncementResponse>> {
    return this.announcements.list(t, query);
  }

  @Get('due')
  @ApiOkResponse({
    type: DueAnnouncementsResponse,
    description: 'Scheduled announcements whose publishAt has passed',
  })
  due(@CurrentTenant() t: Tenant): Promise<DueAnnouncementsResponse> {
    return this.announcements.due(t);
  }

  @Get(':id')
  @RequirePermission(Permission.AnnouncementRead)
  @ApiOkResponse({ type: AnnouncementResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<AnnouncementResponse> {
    return this.announcements.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({ type: AnnouncementResponse, description: 'Created as a draft' })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateAnnouncementDto,
    @Meta() meta: RequestMeta,
  ): Promise<AnnouncementResponse> {
    return this.announcements.create(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({
    type: AnnouncementResponse,
    description: 'Drafts and scheduled ones (409 ANNOUNCEMENT_NOT_EDITABLE otherwise)',
  })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateAnnouncementDto,
    @Meta() meta: RequestMeta,
  ): Promise<AnnouncementResponse> {
    return this.announcements.update(t, id, dto, meta);
  }

  @Post(':id/schedule')
  @HttpCode(200)
  @ApiOkResponse({ type: AnnouncementResponse })
  schedule(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ScheduleAnnouncementDto,
    @Meta() meta: RequestMeta,
  ): Promise<AnnouncementResponse> {
    return this.announcements.schedule(t, id, dto.publishAt, meta);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiOkResponse({
    type: AnnouncementResponse,
    description: 'Notifies the audience in-app and emits announcement.published',
  })
  publish(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<AnnouncementResponse> {
    return this.announcements.publish(t, id, meta);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @ApiOkResponse({ type: AnnouncementResponse })
  archive(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<AnnouncementResponse> {
    return this.announcements.archive(t, id, meta);
  }

  @Post(':id/read')
  @RequirePermission(Permission.AnnouncementRead)
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'The first read time is kept; 403 NOT_A_RECIPIENT for an editor it was not delivered to',
  })
  read(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.announcements.markRead(t, id, false);
  }

  @Post(':id/acknowledge')
  @RequirePermission(Permission.AnnouncementRead)
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      '422 ACKNOWLEDGEMENT_NOT_REQUESTED when the announcement does not ask for it; 403 NOT_A_RECIPIENT for an editor it was not delivered to',
  })
  acknowledge(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.announcements.markRead(t, id, true);
  }

  @Get(':id/receipts')
  @ApiOkResponse({
    type: ReceiptReportResponse,
    description: 'Who it was delivered to at publication has and has not read or acknowledged it',
  })
  receipts(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ReceiptReportResponse> {
    return this.announcements.receipts(t, id);
  }

  @Get(':id/comments')
  @RequirePermission(Permission.AnnouncementRead)
  @ApiOkResponse({ type: CommentListResponse })
  comments(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<CommentListResponse> {
    return this.announcements.comments(t, id);
  }

  @Post(':id/comments')
  @RequirePermission(Permission.AnnouncementRead)
  @ApiCreatedResponse({ type: CommentResponse })
  comment(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateCommentDto,
  ): Promise<CommentResponse> {
    return this.announcements.comment(t, id, dto.body);
  }
}
