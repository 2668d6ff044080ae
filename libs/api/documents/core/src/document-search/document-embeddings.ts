import { OpenAIEmbeddings } from '@langchain/openai';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  EMBEDDING_DIMENSIONS,
  embeddingIdentity,
  ORGANIZATION_EMBEDDINGS,
  type EmbeddingModel,
  type OrganizationEmbeddings,
} from '@ppt/llm';
import { DocumentSearchEnv } from './document-search.env';

export { EMBEDDING_DIMENSIONS };

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

  constructor(
    env: DocumentSearchEnv,
    @Optional() @Inject(ORGANIZATION_EMBEDDINGS) private readonly organizations?: OrganizationEmbeddings,
  ) {
    const url = env.DOCUMENT_SEARCH_EMBEDDINGS_URL;
    if (!url) {
      this.platform = null;
      return;
    }
    const client = new OpenAIEmbeddings({
      model: env.DOCUMENT_SEARCH_EMBEDDINGS_MODEL,
      dimensions: EMBEDDING_DIMENSIONS,
      apiKey: env.DOCUMENT_SEARCH_EMBEDDINGS_API_KEY ?? 'unused',
      batchSize: 256,
      maxRetries: 2,
      timeout: 30_000,
      configuration: { baseURL: url },
    });
    this.platform = {
      identity: embeddingIdentity({ baseUrl: url, model: env.DOCUMENT_SEARCH_EMBEDDINGS_MODEL }),
      embedDocuments: (texts) => client.embedDocuments(texts),
      embedQuery: (text) => client.embedQuery(text),
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
    return this.platform ? { identity: this.platform.identity, model: this.platform, source: 'platform' } : null;
  }

  /** Vectors of the texts, or null (no callable model, or it failed: logged, and indexing goes on without). */
  async embedDocuments(target: EmbeddingTarget | null, texts: string[]): Promise<number[][] | null> {
    if (!target?.model || texts.length === 0) return null;
    try {
      const vectors = await target.model.embedDocuments(texts);
      if (vectors.length === texts.length && vectors.every((v) => v.length === EMBEDDING_DIMENSIONS))
        return vectors;
      return this.wrongSize(target, vectors);
    } catch (err) {
      this.logger.warn({ err, model: target.identity }, 'Embedding documents failed; indexing full text only');
      return null;
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
