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
import { openAIEmbeddingsHandler, type EmbeddingsRequest } from './openai-embeddings';

/** A route another fake mounts on the same server (e.g. `POST /v1/embeddings`). */
export type FakeRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown> | null,
) => void | Promise<void>;

export interface FakeOpenAiServer {
  /** Base URL as clients take it: `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  /** Keys accepted in `Authorization: Bearer`; others get 401. */
  apiKeys: Set<string>;
  mode: FakeLlmMode;
  /** Delay of `slow` mode, before the headers and between chunks. */
  slowMs: number;
  /** The answer to a conversation (deterministic; default echoes the last user message). */
  reply: (messages: FakeTurn[]) => string;
  /** Chat completion requests that passed authentication (including those a mode then refused). */
  requests: FakeLlmRequest[];
  /** Embeddings requests (`POST /v1/embeddings`) that were answered. */
  embeddingRequests: EmbeddingsRequest[];
  close(): Promise<void>;
}

/**
 * A local OpenAI-compatible server implementing `POST /v1/chat/completions` from the OpenAI API
 * reference (https://platform.openai.com/docs/api-reference/chat/create, …/chat-streaming and
 * …/api-reference/introduction for errors) and, by default, `POST /v1/embeddings`
 * (openai-embeddings.ts, with the same API keys), so one server serves chat and embeddings. Other
 * routes can be mounted (`routes`; a route for `POST /v1/embeddings` replaces the default one).
 */
export async function startFakeOpenAiServer(
  options: { apiKeys?: string[]; routes?: Record<string, FakeRoute> } = {},
): Promise<FakeOpenAiServer> {
  const routes = options.routes ?? {};
  const embeddingRequests: EmbeddingsRequest[] = [];
  const state: FakeOpenAiServer = {
    baseUrl: '',
    apiKeys: new Set(options.apiKeys ?? ['sk-test']),
    mode: 'normal',
    slowMs: 200,
    reply: defaultReply,
    requests: [],
    embeddingRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  const embeddings = openAIEmbeddingsHandler({
    apiKeys: state.apiKeys,
    onRequest: (b) => embeddingRequests.push(b),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const extra = routes[`${req.method} ${path}`];
    if (extra) return extra(req, res, await readJson(req));
    if (await embeddings(req, res)) return;
    const body = await readJson(req);
    if (req.method !== 'POST' || path !== '/v1/chat/completions')
      return sendJson(res, 404, openAiError('Unknown request URL', 'invalid_request_error', 'unknown_url'));
    // Authentication: "Authorization: Bearer OPENAI_API_KEY"; a wrong key is 401 invalid_api_key.
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!key || !state.apiKeys.has(key))
      return sendJson(
        res,
        401,
        openAiError('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'),
      );
    if (!body || typeof body.model !== 'string' || !Array.isArray(body.messages))
      return sendJson(
        res,
        400,
        openAiError("'model' and 'messages' are required", 'invalid_request_error', null),
      );
    const messages: FakeTurn[] = (body.messages as { role: string; content: unknown }[]).map((m) => ({
      role: m.role,
      content: contentText(m.content),
    }));
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
    // Error codes: 429 "Rate limit reached for requests", 500 "The server had an error".
    if (state.mode === 'rate-limited')
      return sendJson(
        res,
        429,
        openAiError('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'),
      );
    if (state.mode === 'failing')
      return sendJson(
        res,
        500,
        openAiError('The server had an error while processing your request', 'server_error', null),
      );
    if (state.mode === 'slow') await sleep(state.slowMs);
    if (res.destroyed) return;

    const answer = state.reply(messages);
    const pieces = wordsOf(answer);
    const usage = {
      prompt_tokens: promptTokens(messages),
      completion_tokens: pieces.length,
      total_tokens: promptTokens(messages) + pieces.length,
    };
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model;

    if (body.stream !== true) {
      if (state.mode === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"id": "chatcmpl-broken", "choices": [');
      }
      // The chat completion object.
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
      });
    }

    // Streaming: server-sent events, each `data: <chat.completion.chunk>`, ended by `data: [DONE]`.
    // With stream_options.include_usage, every chunk carries `usage: null` and one last chunk with
    // empty `choices` carries the usage of the whole request.
    const includeUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        system_fingerprint: null,
        choices,
        ...(includeUsage ? { usage: null } : {}),
        ...extra,
      })}\n\n`;
    const write = async (text: string) => {
      if (res.destroyed) return false;
      res.write(text);
      if (state.mode === 'slow') await sleep(state.slowMs);
      return !res.destroyed;
    };
    // The first chunk carries the role with empty content.
    if (
      !(await write(
        chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
      ))
    )
      return;
    if (state.mode === 'malformed') {
      res.write('data: {"id": "chatcmpl-broken", "choices": [{"delta": \n\n');
      return void res.end();
    }
    for (const piece of pieces) {
      if (
        !(await write(chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }])))
      )
        return;
    }
    if (!(await write(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }])))) return;
    if (includeUsage && !(await write(chunk([], { usage })))) return;
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return state;
}

export interface FakeEmbeddingsServer {
  /** Base URL for an OpenAI client (`…/v1`). */
  baseURL: string;
  /** Requests accepted so far. */
  requests: EmbeddingsRequest[];
  close(): Promise<void>;
}

/**
 * The fake OpenAI server seen as an embeddings server (it serves `POST /v1/embeddings` beside chat);
 * accepts the key `sk-test`.
 */
export async function startFakeEmbeddingsServer(): Promise<FakeEmbeddingsServer> {
  const server = await startFakeOpenAiServer({ apiKeys: ['sk-test'] });
  return { baseURL: server.baseUrl, requests: server.embeddingRequests, close: () => server.close() };
}

/** OpenAI's error object: `{"error": {"message", "type", "param", "code"}}`. */
function openAiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}
