import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import type { Response } from 'express';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import {
  ConversationPageResponse,
  ConversationResponse,
  CreateConversationDto,
  ListMessagesQueryDto,
  MarkReadDto,
  MessagePageResponse,
  MessageResponse,
  ReadStateResponse,
  SendMessageDto,
} from '@ppt/api-community-core';
import { ConversationsService } from '@ppt/api-community-core';

/**
 * Every member may take part; what each sees is decided per conversation (participants of direct
 * ones, the audience of building-wide ones). Anything else is 404 CONVERSATION_NOT_FOUND.
 */
@ApiTags('conversations')
@ApiBearerAuth()
@RequirePermission(Permission.ConversationUse)
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get()
  @ApiOkResponse({
    type: ConversationPageResponse,
    description: 'Your conversations, latest message first, with your unread count',
  })
  list(@CurrentTenant() t: Tenant, @Query() query: PageQueryDto): Promise<Page<ConversationResponse>> {
    return this.conversations.list(t, query);
  }

  @Post()
  @ApiCreatedResponse({ type: ConversationResponse, description: 'Created' })
  @ApiOkResponse({
    type: ConversationResponse,
    description:
      'The direct conversation with this member already existed. Residents write to staff only (404 RECIPIENT_NOT_FOUND otherwise); building-wide ones are opened by managers (403)',
  })
  async create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateConversationDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConversationResponse> {
    const { conversation, created } = await this.conversations.create(t, dto);
    res.status(created ? 201 : 200);
    return conversation;
  }

  @Get(':id')
  @ApiOkResponse({ type: ConversationResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<ConversationResponse> {
    return this.conversations.get(t, id);
  }

  @Get(':id/messages')
  @ApiOkResponse({ type: MessagePageResponse, description: 'Newest first' })
  messages(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListMessagesQueryDto,
  ): Promise<Page<MessageResponse>> {
    return this.conversations.messages(t, id, query);
  }

  @Post(':id/messages')
  @ApiCreatedResponse({
    type: MessageResponse,
    description: 'Sent: notifies the others in-app and emits message.sent',
  })
  @ApiOkResponse({
    type: MessageResponse,
    description:
      'A retry: this clientMessageId was sent before and that message is returned (409 CLIENT_MESSAGE_ID_REUSED when the content differs)',
  })
  async send(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SendMessageDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageResponse> {
    const { message, created } = await this.conversations.send(t, id, dto);
    res.status(created ? 201 : 200);
    return message;
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOkResponse({ type: ReadStateResponse, description: 'Your read mark only moves forward' })
  read(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: MarkReadDto,
  ): Promise<ReadStateResponse> {
    return this.conversations.markRead(t, id, dto);
  }
}
