import { GuardedHttp } from '@ppt/outbound';
import type { ServerResponse } from 'node:http';
import {
  fakeEmbedding,
  float32ToBase64,
  startFakeAnthropicServer,
  startFakeOpenAiServer,
  type FakeAnthropicServer,
  type FakeOpenAiServer,
} from '@ppt/testing';
import { EMBEDDING_DIMENSIONS, EMBEDDING_REQUEST_TEXTS } from './embeddings';
import { LlmClient } from './llm-client';
import { LlmError } from './llm.errors';
import { LlmCallAborted, ProviderGuard, type GuardSettings } from './provider-guard';
import type { LlmConnection } from './providers';

const SETTINGS: GuardSettings = {
  attempts: 3,
  initialBackoffMs: 10,
  maxBackoffMs: 50,
  timeoutMs: 2000,
  idleTimeoutMs: 2000,
  breakerFailures: 5,
  halfOpenAfterMs: 60_000,
};

async function collect(stream: AsyncGenerator<string>): Promise<string> {
  let text = '';
  for await (const piece of stream) text += piece;
  return text;
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'no error';
  } catch (err) {
    return err instanceof LlmError ? err.code : (err as Error).name;
  }
}

/** LangChain's OpenAI and Anthropic clients against the local fakes, through the guarded fetch. */
describe('LlmClient (real local OpenAI- and Anthropic-compatible servers)', () => {
  let openai: FakeOpenAiServer;
  let anthropic: FakeAnthropicServer;
  const http = new GuardedHttp({ allowedCidrs: '127.0.0.1/32' });
  const client = (settings: Partial<GuardSettings> = {}) =>
    new LlmClient(new ProviderGuard({ ...SETTINGS, ...settings }), http.fetch);
  const openaiConn = (): LlmConnection => ({
    provider: 'openai',
    baseUrl: openai.baseUrl,
    model: 'gpt-test',
    apiKey: 'sk-test',
    temperature: 0.2,
    maxTokens: 256,
  });
  const anthropicConn = (): LlmConnection => ({
    provider: 'anthropic',
    baseUrl: anthropic.baseUrl,
    model: 'claude-test',
    apiKey: 'sk-ant-test',
    temperature: 0.2,
    maxTokens: 256,
  });
  const turns = [
    { role: 'system' as const, content: 'You are a property assistant.' },
    { role: 'user' as const, content: 'When is the rent due?' },
  ];

  beforeEach(async () => {
    openai = await startFakeOpenAiServer();
    anthropic = await startFakeAnthropicServer();
  });
  afterEach(async () => {
    await openai.close();
    await anthropic.close();
  });
  afterAll(() => http.close());

  it('streams an OpenAI-compatible answer word by word with the usage of the final chunk', async () => {
    const stream = await client().stream(openaiConn(), turns);
    expect(await collect(stream.pieces)).toBe('You said: When is the rent due?');
    // 5 + 5 prompt words; 7 streamed words.
    expect(stream.usage()).toEqual({ inputTokens: 10, outputTokens: 7 });
    const sent = openai.requests[0];
    expect(sent.body).toMatchObject({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(sent.messages).toEqual(turns);
  });

  it('streams an Anthropic answer with the system prompt as its own field and usage from message_delta', async () => {
    const stream = await client().stream(anthropicConn(), turns);
    expect(await collect(stream.pieces)).toBe('You said: When is the rent due?');
    expect(stream.usage()).toEqual({ inputTokens: 10, outputTokens: 7 });
    expect(anthropic.requests[0].body).toMatchObject({
      system: 'You are a property assistant.',
      max_tokens: 256,
    });
    expect(anthropic.requests[0].headers['anthropic-version']).toBeTruthy();
  });

  it('answers without streaming (both providers)', async () => {
    expect(await client().complete(openaiConn(), turns)).toEqual({
      text: 'You said: When is the rent due?',
      usage: { inputTokens: 10, outputTokens: 7 },
    });
    expect(await client().complete(anthropicConn(), turns)).toEqual({
      text: 'You said: When is the rent due?',
      usage: { inputTokens: 10, outputTokens: 7 },
    });
  });

  it('rejects a wrong key without retrying', async () => {
    expect(await codeOf(client().complete({ ...openaiConn(), apiKey: 'sk-wrong' }, turns))).toBe(
      'AI_PROVIDER_REJECTED',
    );
    expect(await codeOf(client().complete({ ...anthropicConn(), apiKey: 'nope' }, turns))).toBe(
      'AI_PROVIDER_REJECTED',
    );
  });

  it("aborts the provider's request when the caller goes away mid-stream", async () => {
    openai.mode = 'slow';
    openai.slowMs = 100;
    const caller = new AbortController();
    const stream = await client().stream(openaiConn(), turns, caller.signal);
    const first = await stream.pieces.next();
    expect(first.done).toBe(false);
    caller.abort();
    await expect(stream.pieces.next()).rejects.toBeInstanceOf(LlmCallAborted);
    await waitFor(() => openai.requests[0].aborted);
    expect(openai.requests[0].completed).toBe(false);
  });

  it('gives up on a slow provider with AI_PROVIDER_TIMEOUT', async () => {
    openai.mode = 'slow';
    openai.slowMs = 1500;
    expect(await codeOf(client({ timeoutMs: 300, attempts: 1 }).stream(openaiConn(), turns))).toBe(
      'AI_PROVIDER_TIMEOUT',
    );
  });

  it('ends a malformed stream with a clean AI_PROVIDER_FAILED', async () => {
    openai.mode = 'malformed';
    const stream = await client()
      .stream(openaiConn(), turns)
      .catch((err: unknown) => err);
    const code =
      stream instanceof Error
        ? (stream as LlmError).code
        : await codeOf(collect((stream as { pieces: AsyncGenerator<string> }).pieces));
    expect(code).toBe('AI_PROVIDER_FAILED');
    anthropic.mode = 'malformed';
    const astream = await client()
      .stream(anthropicConn(), turns)
      .catch((err: unknown) => err);
    const acode =
      astream instanceof Error
        ? (astream as LlmError).code
        : await codeOf(collect((astream as { pieces: AsyncGenerator<string> }).pieces));
    expect(acode).toBe('AI_PROVIDER_FAILED');
  });

  it("retries a 429 storm with backoff but never opens the shared breaker for it (the caller's quota)", async () => {
    openai.mode = 'rate-limited';
    const guarded = client({ attempts: 3, breakerFailures: 5 });
    expect(await codeOf(guarded.complete(openaiConn(), turns))).toBe('AI_PROVIDER_FAILED');
    expect(openai.requests).toHaveLength(3);
    expect(await codeOf(guarded.complete(openaiConn(), turns))).toBe('AI_PROVIDER_FAILED');
    expect(openai.requests).toHaveLength(6);
    // Wrong keys (401) do not count either.
    openai.mode = 'normal';
    for (let i = 0; i < 6; i++)
      expect(await codeOf(guarded.complete({ ...openaiConn(), apiKey: 'sk-wrong' }, turns))).toBe(
        'AI_PROVIDER_REJECTED',
      );
    // Another organisation's key on the same endpoint still gets through.
    expect((await guarded.complete(openaiConn(), turns)).text).toBe('You said: When is the rent due?');
  });

  it('retries a 5xx storm with backoff, then opens the breaker: 503 without calling the provider', async () => {
    openai.mode = 'failing';
    const guarded = client({ attempts: 3, breakerFailures: 5 });
    expect(await codeOf(guarded.complete(openaiConn(), turns))).toBe('AI_PROVIDER_FAILED');
    expect(openai.requests).toHaveLength(3);
    // Two more failures reach the threshold of 5 consecutive ones.
    expect(await codeOf(guarded.complete(openaiConn(), turns))).toBe('AI_PROVIDER_UNAVAILABLE');
    expect(openai.requests).toHaveLength(5);
    openai.mode = 'normal';
    expect(await codeOf(guarded.stream(openaiConn(), turns))).toBe('AI_PROVIDER_UNAVAILABLE');
    expect(openai.requests).toHaveLength(5);
    // Another endpoint has its own breaker.
    expect((await guarded.complete(anthropicConn(), turns)).text).toBe('You said: When is the rent due?');
  });

  it('refuses a provider on a private address that is not allow-listed', async () => {
    const strict = new GuardedHttp();
    const refused = new LlmClient(new ProviderGuard(SETTINGS), strict.fetch);
    expect(await codeOf(refused.complete(openaiConn(), turns))).toBe('AI_PROVIDER_REJECTED');
    expect(openai.requests).toHaveLength(0);
    await strict.close();
  });

  it('embeds through the guarded fetch, asking for 1536 dimensions, with the usage the provider reported', async () => {
    const { vectors, usage } = await client().embed(
      { provider: 'openai', baseUrl: openai.baseUrl, apiKey: 'sk-test', model: 'text-embedding-3-small' },
      ['noční klid', 'revize výtahu v pondělí'],
    );
    expect(vectors.map((v) => v.length)).toEqual([EMBEDDING_DIMENSIONS, EMBEDDING_DIMENSIONS]);
    expect(vectors[0][0]).toBeCloseTo(fakeEmbedding('noční klid', EMBEDDING_DIMENSIONS)[0], 6);
    expect(openai.embeddingRequests[0]).toMatchObject({ dimensions: EMBEDDING_DIMENSIONS, encoding_format: 'base64' });
    // The server's count (words of two letters or more: 2 + 3), not the estimate by length (9).
    expect(usage).toEqual({ inputTokens: 5 });
    // The same address policy and key handling as chat: a private address is refused, a wrong key rejected.
    const strict = new GuardedHttp();
    const embed = (c: LlmClient, apiKey: string) =>
      c.embed({ provider: 'openai', baseUrl: openai.baseUrl, apiKey, model: 'm' }, ['x']);
    expect(await codeOf(embed(new LlmClient(new ProviderGuard(SETTINGS), strict.fetch), 'sk-test'))).toBe(
      'AI_PROVIDER_REJECTED',
    );
    await strict.close();
    expect(await codeOf(embed(client(), 'sk-wrong'))).toBe('AI_PROVIDER_REJECTED');
    expect(openai.embeddingRequests).toHaveLength(1);
  });
  it('guards each embeddings request on its own (≤64 texts) behind a breaker apart from chat', async () => {
    let delayMs = 150;
    let failing = false;
    const sizes: number[] = [];
    const server = await startFakeOpenAiServer({
      routes: {
        'POST /v1/embeddings': async (_req, res: ServerResponse, body) => {
          const inputs = ([] as unknown[]).concat(body?.input ?? []).map(String);
          sizes.push(inputs.length);
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          if (failing) {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: { message: 'down', type: 'server_error' } }));
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              object: 'list',
              model: body?.model,
              data: inputs.map((text, index) => ({
                object: 'embedding',
                index,
                embedding: float32ToBase64(fakeEmbedding(text, EMBEDDING_DIMENSIONS)),
              })),
              usage: { prompt_tokens: inputs.length * 2, total_tokens: inputs.length * 2 },
            }),
          );
        },
      },
    });
    try {
      const conn = { provider: 'openai' as const, baseUrl: server.baseUrl, apiKey: 'sk-test', model: 'e' };
      // Four requests of 150 ms under a 400 ms deadline: only a deadline per request lets it finish.
      const guarded = client({ attempts: 1, timeoutMs: 400, breakerFailures: 2 });
      const texts = Array.from({ length: 3 * EMBEDDING_REQUEST_TEXTS + 8 }, (_, i) => `text ${i}`);
      const { vectors, usage } = await guarded.embed(conn, texts);
      expect(vectors).toHaveLength(texts.length);
      expect(sizes).toEqual([64, 64, 64, 8]);
      expect(usage).toEqual({ inputTokens: texts.length * 2 });
      // Embeddings failing open their own breaker; chat on the same endpoint is still called.
      delayMs = 0;
      failing = true;
      expect(await codeOf(guarded.embed(conn, ['a']))).toBe('AI_PROVIDER_FAILED');
      expect(await codeOf(guarded.embed(conn, ['a']))).toBe('AI_PROVIDER_FAILED');
      expect(await codeOf(guarded.embed(conn, ['a']))).toBe('AI_PROVIDER_UNAVAILABLE');
      const chat = await guarded.complete({ ...openaiConn(), baseUrl: server.baseUrl }, turns);
      expect(chat.text).toBe('You said: When is the rent due?');
    } finally {
      await server.close();
    }
  });
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
