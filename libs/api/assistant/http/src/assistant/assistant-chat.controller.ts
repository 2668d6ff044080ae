import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { AssistantConversation, AssistantMessage } from '@ppt/api-db';
import { Permission, RequirePermission } from '@ppt/auth';
import { ApiRateLimited } from '@ppt/http';
import { AppError } from '@ppt/observability';
import type { Response } from 'express';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { AssistantChatService } from '@ppt/api-assistant-core';
import {
  AskAssistantDto,
  AssistantConversationListResponse,
  AssistantConversationResponse,
  AssistantMessageListResponse,
  type AssistantCitationResponse,
  type AssistantMessageResponse,
  CreateAssistantConversationDto,
} from '@ppt/api-assistant-core';

const SSE_DESCRIPTION = [
  'Server-Sent Events (text/event-stream), in this order:',
  '`event: citation` — `{documentId, documentTitle, versionId, page, chunkIndex, link}`, one per source the answer may cite (only documents you may see);',
  '`event: token` — `{"text": "…"}`, the answer as it is written;',
  '`event: done` — `{"messageId", "questionId", "usage": {"inputTokens", "outputTokens", "costMicros"}}` once the answer is saved;',
  'or `event: error` — `{"code", "message"}` when the provider fails mid-answer (the question stays in the history, no answer is saved).',
  'Closing the connection cancels the answer (the provider call is aborted). Refusals before the answer starts are ordinary JSON errors:',
  '413 AI_MESSAGE_TOO_LARGE, 429 AI_BUDGET_EXCEEDED (details say when the budget resets) or RATE_LIMITED, 503 when the provider cannot answer (AI_PROVIDER_UNAVAILABLE while its breaker is open, AI_PROVIDER_TIMEOUT, AI_PROVIDER_FAILED after retries, AI_PROVIDER_REJECTED).',
].join(' ');

/** Each member's own conversations with the assistant (nobody else, not even an admin, reads them). */
@ApiTags('assistant')
@ApiBearerAuth()
@RequirePermission(Permission.AssistantUse)
@Controller('assistant/conversations')
export class AssistantChatController {
  constructor(private readonly chat: AssistantChatService) {}

  @Post()
  @ApiCreatedResponse({ type: AssistantConversationResponse })
  async create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateAssistantConversationDto,
  ): Promise<AssistantConversationResponse> {
    return toConversation(await this.chat.create(t, dto));
  }

  @Get()
  @ApiOkResponse({ type: AssistantConversationListResponse, description: 'Your conversations, latest first' })
  async list(@CurrentTenant() t: Tenant): Promise<AssistantConversationListResponse> {
    return { items: (await this.chat.list(t)).map(toConversation) };
  }

  @Get(':id/messages')
  @ApiOkResponse({ type: AssistantMessageListResponse, description: 'Oldest first' })
  async messages(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<AssistantMessageListResponse> {
    return { items: (await this.chat.messages(t, id)).map(toMessage) };
  }

  @Post(':id/messages')
  @HttpCode(200)
  @ApiRateLimited()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: SSE_DESCRIPTION,
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'event: token\ndata: {"text":"The "}\n\nevent: token\ndata: {"text":"inspection…"}\n\nevent: done\ndata: {"messageId":"…","questionId":"…","usage":{"inputTokens":412,"outputTokens":38,"costMicros":84}}\n\n',
      },
    },
  })
  async ask(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AskAssistantDto,
    @Res() res: Response,
  ): Promise<void> {
    const cancel = new AbortController();
    // The client closing the stream (or its connection) aborts the provider call.
    res.on('close', () => {
      if (!res.writableFinished) cancel.abort();
    });
    // Refusals (413, 429, 503…) are thrown from here, before any byte: the error filter answers in JSON.
    const answer = await this.chat.ask(t, id, dto.content, cancel.signal);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const send = (event: string, data: unknown) => {
      if (!res.writableEnded && !res.destroyed)
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    for (const citation of answer.citations) send('citation', toCitation(citation));
    let text = '';
    try {
      for await (const piece of answer.pieces) {
        text += piece;
        send('token', { text: piece });
      }
      const { message, usage } = await answer.finish(text);
      send('done', { messageId: message.id, questionId: answer.question.id, usage });
    } catch (err) {
      if (cancel.signal.aborted) return;
      send(
        'error',
        err instanceof AppError
          ? { code: err.code, message: err.message }
          : { code: 'INTERNAL_ERROR', message: 'The answer could not be completed' },
      );
    }
    res.end();
  }
}

function toConversation(c: AssistantConversation): AssistantConversationResponse {
  return {
    id: c.id,
    title: c.title,
    buildingId: c.buildingId,
    messageCount: c.lastSeq,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

function toCitation(c: Omit<AssistantCitationResponse, 'link'>): AssistantCitationResponse {
  // The version the cited text is from (what GET /assistant/search links too): the document row
  // whose visibility was checked, not the first version's id (documentId), which may be another row.
  return { ...c, link: `/api/v1/documents/${c.versionId}` };
}

function toMessage(m: AssistantMessage): AssistantMessageResponse {
  return {
    id: m.id,
    seq: m.seq,
    role: m.role,
    content: m.content,
    citations: m.citations.map(toCitation),
    inputTokens: m.inputTokens,
    outputTokens: m.outputTokens,
    costMicros: m.costMicros,
    createdAt: m.createdAt,
  };
}
