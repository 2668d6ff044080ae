import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  contentText,
  defaultReply,
  promptTokens,
  readJson,
  sendJson,
  sleep,
  watchAbort,
  wordsOf,
  type FakeLlmMode,
  type FakeLlmRequest,
  type FakeTurn,
} from './fake-llm-common';

export interface FakeAnthropicServer {
  /** Base URL as ChatAnthropic takes it (`anthropicApiUrl`): `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Keys accepted in `x-api-key`; others get 401 authentication_error. */
  apiKeys: Set<string>;
  mode: FakeLlmMode;
  slowMs: number;
  reply: (messages: FakeTurn[]) => string;
  requests: FakeLlmRequest[];
  close(): Promise<void>;
}

/**
 * A local server implementing Anthropic's Messages API, `POST /v1/messages`
 * (https://docs.anthropic.com/en/api/messages, …/en/api/messages-streaming, …/en/api/errors,
 * …/en/api/versioning): `x-api-key` and `anthropic-version` headers required, `max_tokens` required,
 * `system` as a top-level field, and the streaming event sequence message_start,
 * content_block_start, ping, content_block_delta…, content_block_stop, message_delta (with the
 * cumulative output usage), message_stop.
 */
export async function startFakeAnthropicServer(
  options: { apiKeys?: string[] } = {},
): Promise<FakeAnthropicServer> {
  const state: FakeAnthropicServer = {
    baseUrl: '',
    apiKeys: new Set(options.apiKeys ?? ['sk-ant-test']),
    mode: 'normal',
    slowMs: 200,
    reply: defaultReply,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const body = await readJson(req);
    if (req.method !== 'POST' || path !== '/v1/messages')
      return sendJson(res, 404, anthropicError('not_found_error', 'Not found'));
    // Errors: 401 authentication_error for a missing or wrong key; 400 invalid_request_error otherwise.
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !state.apiKeys.has(key))
      return sendJson(res, 401, anthropicError('authentication_error', 'invalid x-api-key'));
    if (!req.headers['anthropic-version'])
      return sendJson(
        res,
        400,
        anthropicError('invalid_request_error', 'anthropic-version: header is required'),
      );
    if (
      !body ||
      typeof body.model !== 'string' ||
      !Array.isArray(body.messages) ||
      typeof body.max_tokens !== 'number'
    )
      return sendJson(
        res,
        400,
        anthropicError('invalid_request_error', 'model, messages and max_tokens are required'),
      );
    const system = contentText(body.system);
    const messages: FakeTurn[] = [
      ...(system ? [{ role: 'system', content: system }] : []),
      ...(body.messages as { role: string; content: unknown }[]).map((m) => ({
        role: m.role,
        content: contentText(m.content),
      })),
    ];
    const seen: FakeLlmRequest = {
      path,
      headers: req.headers,
      body,
      messages,
      aborted: false,
      completed: false,
    };
    state.requests.push(seen);
    watchAbort(res, seen);
    if (state.mode === 'rate-limited')
      return sendJson(
        res,
        429,
        anthropicError('rate_limit_error', 'Number of requests has exceeded your rate limit'),
      );
    if (state.mode === 'failing')
      return sendJson(res, 500, anthropicError('api_error', 'An unexpected error has occurred'));
    if (state.mode === 'slow') await sleep(state.slowMs);
    if (res.destroyed) return;

    const answer = state.reply(messages);
    const pieces = wordsOf(answer);
    const inputTokens = promptTokens(messages);
    const id = `msg_${randomUUID().replace(/-/g, '')}`;
    const model = body.model;
    if (body.stream !== true) {
      if (state.mode === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"id": "msg_broken", "content": [');
      }
      return sendJson(res, 200, {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: answer }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: pieces.length },
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const event = async (type: string, data: Record<string, unknown>) => {
      if (res.destroyed) return false;
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      if (state.mode === 'slow') await sleep(state.slowMs);
      return !res.destroyed;
    };
    // message_start carries the input usage; output_tokens there is 0 here, message_delta the total.
    if (
      !(await event('message_start', {
        message: {
          id,
          type: 'message',
          role: 'assistant',
          content: [],
          model,
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: inputTokens, output_tokens: 0 },
        },
      }))
    )
      return;
    if (!(await event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })))
      return;
    if (state.mode === 'malformed') {
      res.write(
        'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": \n\n',
      );
      return void res.end();
    }
    if (!(await event('ping', {}))) return;
    for (const piece of pieces) {
      if (!(await event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } })))
        return;
    }
    if (!(await event('content_block_stop', { index: 0 }))) return;
    if (
      !(await event('message_delta', {
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: pieces.length },
      }))
    )
      return;
    if (res.destroyed) return;
    res.end(`event: message_stop\ndata: ${JSON.stringify({ type: 'message_stop' })}\n\n`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** Anthropic's error shape: `{"type": "error", "error": {"type", "message"}}`. */
function anthropicError(type: string, message: string) {
  return { type: 'error', error: { type, message } };
}
