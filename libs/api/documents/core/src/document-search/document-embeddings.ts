import { OpenAIEmbeddings } from '@langchain/openai';
import { Injectable, Logger } from '@nestjs/common';
import { DocumentSearchEnv } from './document-search.env';

/** Length of the stored vectors: `vector(1536)` in migration 1795551000000 (text-embedding-3-small's). */
export const EMBEDDING_DIMENSIONS = 1536;

/**
 * The platform's embedding model (an OpenAI-compatible `/v1/embeddings` endpoint, from the
 * environment), or none: then documents are indexed and searched by full text alone. Models that
 * take OpenAI's `dimensions` parameter are asked for EMBEDDING_DIMENSIONS.
 */
@Injectable()
export class DocumentEmbeddings {
  private readonly logger = new Logger(DocumentEmbeddings.name);
  private readonly client: OpenAIEmbeddings | null;
  readonly model: string;

  constructor(env: DocumentSearchEnv) {
    this.model = env.DOCUMENT_SEARCH_EMBEDDINGS_MODEL;
    this.client = env.DOCUMENT_SEARCH_EMBEDDINGS_URL
      ? new OpenAIEmbeddings({
          model: env.DOCUMENT_SEARCH_EMBEDDINGS_MODEL,
          dimensions: EMBEDDING_DIMENSIONS,
          apiKey: env.DOCUMENT_SEARCH_EMBEDDINGS_API_KEY ?? 'unused',
          batchSize: 256,
          maxRetries: 2,
          timeout: 30_000,
          configuration: { baseURL: env.DOCUMENT_SEARCH_EMBEDDINGS_URL },
        })
      : null;
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** Vectors of the texts, or null without a model (or when it fails: logged, and search goes on without). */
  async embedDocuments(texts: string[]): Promise<number[][] | null> {
    if (!this.client || texts.length === 0) return null;
    try {
      const vectors = await this.client.embedDocuments(texts);
      return vectors.every((v) => v.length === EMBEDDING_DIMENSIONS) ? vectors : this.wrongSize(vectors);
    } catch (err) {
      this.logger.warn({ err }, 'Embedding documents failed; indexing full text only');
      return null;
    }
  }

  async embedQuery(text: string): Promise<number[] | null> {
    if (!this.client) return null;
    try {
      const vector = await this.client.embedQuery(text);
      return vector.length === EMBEDDING_DIMENSIONS ? vector : null;
    } catch (err) {
      this.logger.warn({ err }, 'Embedding a query failed; searching full text only');
      return null;
    }
  }

  private wrongSize(vectors: number[][]): null {
    this.logger.warn(
      { model: this.model, got: vectors[0]?.length, want: EMBEDDING_DIMENSIONS },
      'The embedding model answers vectors of another length; indexing full text only',
    );
    return null;
  }
}
