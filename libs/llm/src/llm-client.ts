import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { LlmError, LlmErrorCode } from './llm.errors';
import { ProviderGuard } from './provider-guard';
import { EMBEDDING_DIMENSIONS, EMBEDDING_REQUEST_TEXTS } from './embeddings';
import {
  breakerKeyOf,
  createChatModel,
  createEmbeddings,
  embeddingsBreakerKeyOf,
  type GuardedFetch,
  type LlmConnection,
} from './providers';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface CompleteOptions {
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

/** Tokens an embeddings call consumed (the provider's `usage.prompt_tokens`, else an estimate). */
export interface EmbeddingUsage {
  inputTokens: number;
}

/** A streamed answer: text pieces as they come; `usage()` once it is done (the provider's count). */
export interface ChatStream {
  pieces: AsyncGenerator<string>;
  usage(): ChatUsage;
}

function toMessages(turns: readonly ChatTurn[]): BaseMessage[] {
  return turns.map((t) =>
    t.role === 'system'
      ? new SystemMessage(t.content)
      : t.role === 'user'
        ? new HumanMessage(t.content)
        : new AIMessage(t.content),
  );
}

function textOf(chunk: AIMessageChunk): string {
  if (typeof chunk.content === 'string') return chunk.content;
  return chunk.content
    .map((part) => (typeof part === 'string' ? part : part.type === 'text' ? String(part['text'] ?? '') : ''))
    .join('');
}

/**
 * Calls chat models through LangChain, every call behind the ProviderGuard (retries, deadlines,
 * breaker) and the guarded fetch (address policy).
 */
export class LlmClient {
  constructor(
    readonly guard: ProviderGuard,
    private readonly fetch: GuardedFetch,
  ) {}

  async complete(
    c: LlmConnection,
    turns: readonly ChatTurn[],
    options: CompleteOptions = {},
  ): Promise<{ text: string; usage: ChatUsage }> {
    const model = createChatModel(c, this.fetch, options);
    const message = await this.guard.call(
      breakerKeyOf(c),
      (signal) => model.invoke(toMessages(turns), { signal }),
      options.signal,
    );
    const usage = message.usage_metadata;
    return {
      text: textOf(message as AIMessageChunk),
      usage: { inputTokens: usage?.input_tokens ?? 0, outputTokens: usage?.output_tokens ?? 0 },
    };
  }

  async stream(c: LlmConnection, turns: readonly ChatTurn[], signal?: AbortSignal): Promise<ChatStream> {
    const model = createChatModel(c, this.fetch);
    const chunks = await this.guard.openStream<AIMessageChunk>(
      breakerKeyOf(c),
      (s) => model.stream(toMessages(turns), { signal: s }),
      signal,
    );
    const usage: ChatUsage = { inputTokens: 0, outputTokens: 0 };
    async function* pieces(): AsyncGenerator<string> {
      let any = false;
      for await (const chunk of chunks) {
        if (chunk.usage_metadata) {
          usage.inputTokens += chunk.usage_metadata.input_tokens ?? 0;
          usage.outputTokens += chunk.usage_metadata.output_tokens ?? 0;
        }
        const text = textOf(chunk);
        if (text) {
          any = true;
          yield text;
        }
      }
      if (!any) throw new LlmError(LlmErrorCode.ProviderFailed, 'The AI provider sent an empty answer');
    }
    return { pieces: pieces(), usage: () => usage };
  }

  /**
   * Vectors of `texts` from an OpenAI-compatible `/embeddings`, asked for EMBEDDING_DIMENSIONS, through
   * the guarded fetch like chat. Each HTTP request (at most EMBEDDING_REQUEST_TEXTS texts) is one
   * guarded call of its own (retries, deadline) behind the endpoint's embeddings breaker, apart from
   * chat's (embeddingsBreakerKeyOf). The usage is read from the provider's answers (LangChain's client
   * drops it).
   */
  async embed(
    c: Pick<LlmConnection, 'provider' | 'baseUrl' | 'apiKey'> & { model: string },
    texts: string[],
    signal?: AbortSignal,
  ): Promise<{ vectors: number[][]; usage: EmbeddingUsage }> {
    if (c.provider !== 'openai')
      throw new LlmError(LlmErrorCode.ProviderRejected, `The ${c.provider} provider has no embeddings API`);
    const vectors: number[][] = [];
    let inputTokens = 0;
    for (let from = 0; from < texts.length; from += EMBEDDING_REQUEST_TEXTS) {
      const batch = texts.slice(from, from + EMBEDDING_REQUEST_TEXTS);
      const answer = await this.embedRequest(c, batch, signal);
      vectors.push(...answer.vectors);
      inputTokens += answer.inputTokens;
    }
    return { vectors, usage: { inputTokens } };
  }

  /** One embeddings HTTP request (`texts` fit in one), guarded on its own. */
  private async embedRequest(
    c: Pick<LlmConnection, 'provider' | 'baseUrl' | 'apiKey'> & { model: string },
    texts: string[],
    signal?: AbortSignal,
  ): Promise<{ vectors: number[][]; inputTokens: number }> {
    let reported: number | null = null;
    // The attempt's signal (deadline, caller gone) reaches the request: the SDK's embed takes none.
    const counting =
      (attempt: AbortSignal): GuardedFetch =>
      async (input, init) => {
        const given = init?.['signal'] as AbortSignal | undefined;
        const res = await this.fetch(input, {
          ...init,
          signal: given ? AbortSignal.any([given, attempt]) : attempt,
        });
        if (res.ok) {
          const body = (await res
            .clone()
            .json()
            .catch(() => null)) as { usage?: { prompt_tokens?: unknown } } | null;
          const tokens = Number(body?.usage?.prompt_tokens);
          if (Number.isFinite(tokens) && tokens >= 0) reported = tokens;
        }
        return res;
      };
    const vectors = await this.guard.call(
      embeddingsBreakerKeyOf(c),
      (attempt) =>
        createEmbeddings(
          { ...c, dimensions: EMBEDDING_DIMENSIONS, batchSize: EMBEDDING_REQUEST_TEXTS },
          counting(attempt),
        ).embedDocuments(texts),
      signal,
    );
    const estimate = texts.reduce((sum, t) => sum + Math.ceil(t.length / 4), 0);
    return { vectors, inputTokens: reported ?? estimate };
  }
}
