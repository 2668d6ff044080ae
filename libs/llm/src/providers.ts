import { ChatAnthropic } from '@langchain/anthropic';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';

export const LLM_PROVIDERS = ['openai', 'anthropic'] as const;
/**
 * `openai`: OpenAI or any server speaking its chat completions API (Ollama, vLLM, LiteLLM) at
 * `baseUrl`; `anthropic`: the Anthropic Messages API.
 */
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

/** Everything needed to call one provider (the key opened from its sealed form). */
export interface LlmConnection {
  provider: LlmProvider;
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1, https://api.anthropic.com */
  baseUrl: string;
  model: string;
  apiKey: string;
  temperature: number;
  maxTokens: number;
}

/** The fetch every provider call goes through (GuardedHttp.fetch: address policy, no redirects). */
export type GuardedFetch = (
  input: string | URL | { url: string },
  init?: Record<string, unknown>,
) => Promise<Response>;

/**
 * A LangChain chat model for a connection. The SDKs' own retries are off (maxRetries 0): retries,
 * deadlines and the circuit breaker are ProviderGuard's, so they are counted once and the same way
 * for every provider.
 */
export function createChatModel(
  c: LlmConnection,
  fetch: GuardedFetch,
  overrides: { maxTokens?: number; temperature?: number } = {},
): BaseChatModel {
  const maxTokens = overrides.maxTokens ?? c.maxTokens;
  const temperature = overrides.temperature ?? c.temperature;
  if (c.provider === 'anthropic') {
    return new ChatAnthropic({
      model: c.model,
      apiKey: c.apiKey,
      anthropicApiUrl: c.baseUrl,
      maxTokens,
      temperature,
      maxRetries: 0,
      streamUsage: true,
      clientOptions: { fetch: fetch as never, maxRetries: 0 },
    });
  }
  return new ChatOpenAI({
    model: c.model,
    apiKey: c.apiKey,
    maxTokens,
    temperature,
    maxRetries: 0,
    streamUsage: true,
    configuration: { baseURL: c.baseUrl, fetch: fetch as never, maxRetries: 0 },
  });
}

/** Embeddings from an OpenAI-compatible server (`/embeddings`; the SDK asks for base64 floats). */
export function createEmbeddings(
  c: Pick<LlmConnection, 'baseUrl' | 'apiKey'> & { model: string; dimensions?: number; batchSize?: number },
  fetch: GuardedFetch,
): OpenAIEmbeddings {
  return new OpenAIEmbeddings({
    model: c.model,
    apiKey: c.apiKey,
    dimensions: c.dimensions,
    batchSize: c.batchSize,
    maxRetries: 0,
    configuration: { baseURL: c.baseUrl, fetch: fetch as never, maxRetries: 0 },
  });
}

/**
 * A base URL as a stable, secret-free name of its endpoint: scheme, lower-case host, port and path
 * without trailing slashes; never userinfo, query or fragment (keys put there must not end up in
 * breaker names, logs or stored chunk rows).
 */
export function endpointOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    // Not a URL (settings and environment validate it; this only keeps the name secret-free).
    return baseUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1').replace(/[?#].*$/s, '').replace(/\/+$/, '');
  }
}

/** One circuit breaker per provider endpoint (the same server fails for every organisation using it). */
export function breakerKeyOf(c: Pick<LlmConnection, 'provider' | 'baseUrl'>): string {
  return `${c.provider} ${endpointOf(c.baseUrl)}`;
}

/**
 * The breaker of an endpoint's embeddings, apart from its chat's: a backfill's long embedding work
 * failing (timeouts of big batches) must not open the breaker that chat of every organisation shares.
 */
export function embeddingsBreakerKeyOf(c: Pick<LlmConnection, 'provider' | 'baseUrl'>): string {
  return `embeddings ${breakerKeyOf(c)}`;
}
