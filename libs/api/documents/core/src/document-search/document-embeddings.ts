import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  EMBEDDING_DIMENSIONS,
  EMBEDDING_IDENTITY_MAX_LENGTH,
  embeddingIdentity,
  LlmClient,
  LlmError,
  ORGANIZATION_EMBEDDINGS,
  ProviderGuard,
  type EmbeddingModel,
  type GuardedFetch,
  type GuardSettings,
  type OrganizationEmbeddings,
} from '@ppt/llm';
import { DocumentSearchEnv } from './document-search.env';

export { EMBEDDING_DIMENSIONS };

/** Statuses with which a provider refuses a request's input (too long, malformed), not the caller. */
const REFUSED_INPUT_STATUSES = [400, 413, 422];

/** The platform model's guard: a breaker of its own (nobody else calls that endpoint through it). */
const PLATFORM_GUARD: GuardSettings = {
  attempts: 3,
  initialBackoffMs: 500,
  maxBackoffMs: 8000,
  timeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  breakerFailures: 5,
  halfOpenAfterMs: 60_000,
};

export type EmbedResult = { vectors: number[][] } | { failed: 'refused' | 'unavailable' };

/**
 * The model an organisation's chunks are (to be) embedded with: its `identity` is what chunks record
 * and what vector search filters on; `model` is null while it cannot be called (an organisation's own
 * model paused by its budget): then nothing is embedded and search uses full text.
 */
export interface EmbeddingTarget {
  identity: string;
  model: EmbeddingModel | null;
  source: 'organization' | 'platform';
}

/**
 * The embedding model of each organisation: its own (assistant settings, through the
 * ORGANIZATION_EMBEDDINGS port: its provider, key, guarded agent, breaker and budget), else the
 * platform's (an OpenAI-compatible `/v1/embeddings` endpoint from the environment), else none: then
 * documents are indexed and searched by full text alone. Every model is asked for
 * EMBEDDING_DIMENSIONS; vectors of another length are never stored or searched with.
 */
@Injectable()
export class DocumentEmbeddings {
  private readonly logger = new Logger(DocumentEmbeddings.name);
  private readonly platform: EmbeddingModel | null;
  /** The environment's bare model name: what chunks embedded before identities existed recorded. */
  readonly platformModelName: string;

  constructor(
    env: DocumentSearchEnv,
    @Optional() @Inject(ORGANIZATION_EMBEDDINGS) private readonly organizations?: OrganizationEmbeddings,
  ) {
    if (!organizations)
      this.logger.warn(
        'No ORGANIZATION_EMBEDDINGS port in this process: organisations’ own embedding models are not used (platform model only)',
      );
    this.platformModelName = env.DOCUMENT_SEARCH_EMBEDDINGS_MODEL;
    const url = env.DOCUMENT_SEARCH_EMBEDDINGS_URL;
    if (!url) {
      this.platform = null;
      return;
    }
    const connection = {
      provider: 'openai' as const,
      baseUrl: url,
      apiKey: env.DOCUMENT_SEARCH_EMBEDDINGS_API_KEY ?? 'unused',
      model: env.DOCUMENT_SEARCH_EMBEDDINGS_MODEL,
    };
    const identity = embeddingIdentity(connection);
    if (identity.length > EMBEDDING_IDENTITY_MAX_LENGTH)
      throw new Error(
        `DOCUMENT_SEARCH_EMBEDDINGS_URL and _MODEL make an identity of ${identity.length} characters; chunks hold at most ${EMBEDDING_IDENTITY_MAX_LENGTH}`,
      );
    // Operator-configured, so the plain fetch (no private-address block); but the guard's deadlines,
    // retries and breaker, so a platform model that is down fails fast for everyone after a few tries.
    const client = new LlmClient(new ProviderGuard(PLATFORM_GUARD), fetch as unknown as GuardedFetch);
    this.platform = {
      identity,
      embedDocuments: async (texts) => (await client.embed(connection, texts)).vectors,
      embedQuery: async (text) => (await client.embed(connection, [text])).vectors[0],
    };
  }

  /** The platform default's identity (null without one). */
  get platformIdentity(): string | null {
    return this.platform?.identity ?? null;
  }

  /**
   * The organisation's model: its own when its settings name one, else the platform default, else
   * null. A failing settings lookup is logged and treated as "no vectors now" (never the platform's
   * model instead: the organisation's chunks may be in another space).
   */
  async targetFor(organizationId: string): Promise<EmbeddingTarget | null> {
    if (this.organizations) {
      try {
        const choice = await this.organizations.choose(organizationId);
        if (choice.kind === 'organization')
          return { identity: choice.model.identity, model: choice.model, source: 'organization' };
        if (choice.kind === 'paused') {
          // Every search would say it: debug only (the backfill warns once per pass).
          this.logger.debug({ organizationId, reason: choice.reason }, 'Organisation embedding model paused');
          return { identity: choice.identity, model: null, source: 'organization' };
        }
      } catch (err) {
        this.logger.warn({ err, organizationId }, 'Looking up the organisation embedding model failed');
        return null;
      }
    }
    return this.platform
      ? { identity: this.platform.identity, model: this.platform, source: 'platform' }
      : null;
  }

  /** Vectors of the texts, or null (no callable model, or it failed: logged, and indexing goes on without). */
  async embedDocuments(target: EmbeddingTarget | null, texts: string[]): Promise<number[][] | null> {
    const result = await this.embedBatch(target, texts);
    return 'vectors' in result ? result.vectors : null;
  }

  /**
   * Vectors of the texts, or why not: `refused` when the provider refused this input as such (HTTP
   * 400, 413, 422: these texts will not do, others may), `unavailable` otherwise (no callable model,
   * provider down, budget or rate used up, wrong answer: no use trying other texts now). Logged.
   */
  async embedBatch(target: EmbeddingTarget | null, texts: string[]): Promise<EmbedResult> {
    if (!target?.model || texts.length === 0) return { failed: 'unavailable' };
    try {
      const vectors = await target.model.embedDocuments(texts);
      if (vectors.length === texts.length && vectors.every((v) => v.length === EMBEDDING_DIMENSIONS))
        return { vectors };
      this.wrongSize(target, vectors);
      return { failed: 'unavailable' };
    } catch (err) {
      this.logger.warn(
        { err, model: target.identity },
        'Embedding documents failed; indexing full text only',
      );
      const refused = err instanceof LlmError && REFUSED_INPUT_STATUSES.includes(err.providerStatus ?? 0);
      return { failed: refused ? 'refused' : 'unavailable' };
    }
  }

  async embedQuery(target: EmbeddingTarget | null, text: string): Promise<number[] | null> {
    if (!target?.model) return null;
    try {
      const vector = await target.model.embedQuery(text);
      return vector.length === EMBEDDING_DIMENSIONS ? vector : this.wrongSize(target, [vector]);
    } catch (err) {
      this.logger.warn({ err, model: target.identity }, 'Embedding a query failed; searching full text only');
      return null;
    }
  }

  private wrongSize(target: EmbeddingTarget, vectors: number[][]): null {
    this.logger.warn(
      { model: target.identity, got: vectors[0]?.length, want: EMBEDDING_DIMENSIONS },
      'The embedding model answers vectors of another length; full text only',
    );
    return null;
  }
}
