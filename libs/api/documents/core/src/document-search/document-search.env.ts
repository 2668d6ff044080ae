import { IsOptional, IsString, IsUrl, MinLength } from 'class-validator';
import { IsIntInRange } from '@ppt/config';

// Mixins must accept any constructor arguments (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvBase = new (...args: any[]) => object;

/** The document search feature's variables, composed into DocumentSearchEnv (one validation pass). */
export function withDocumentSearchEnv<TBase extends EnvBase>(Base: TBase) {
  class WithDocumentSearchEnv extends Base {
    /**
     * The platform's OpenAI-compatible embeddings endpoint (`…/v1`: OpenAI, Ollama, vLLM). Unset: no
     * embeddings, search is full-text only. Configured by the operator, so not through the guarded agent.
     */
    @IsOptional()
    @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
    DOCUMENT_SEARCH_EMBEDDINGS_URL?: string;

    @IsString()
    @MinLength(1)
    DOCUMENT_SEARCH_EMBEDDINGS_MODEL = 'text-embedding-3-small';

    /** Bearer key of the embeddings endpoint (local servers accept any). */
    @IsOptional()
    @IsString()
    DOCUMENT_SEARCH_EMBEDDINGS_API_KEY?: string;

    /** Longest chunk, in tokens (cl100k_base): a paragraph or two, enough context to cite. */
    @IsIntInRange(50, 2000)
    DOCUMENT_SEARCH_CHUNK_TOKENS = 350;

    /**
     * Searches per minute of one user through GET /assistant/search (each may call the embeddings
     * endpoint); the assistant's own retrieval is limited by the assistant's limits.
     */
    @IsIntInRange(1, 100_000)
    DOCUMENT_SEARCH_REQUESTS_PER_MINUTE = 60;

    /** Tokens shared by neighbouring chunks, so a sentence cut at a boundary is found whole in one. */
    @IsIntInRange(0, 500)
    DOCUMENT_SEARCH_CHUNK_OVERLAP_TOKENS = 50;

    /**
     * Work of one backfill pass (every 10 minutes): at most this many document versions indexed and
     * as many chunks re-embedded; the rest waits for the next pass.
     */
    @IsIntInRange(1, 100_000)
    DOCUMENT_SEARCH_BACKFILL_BATCH = 500;
  }
  return WithDocumentSearchEnv;
}

/** What the document search feature reads from the environment. */
export class DocumentSearchEnv extends withDocumentSearchEnv(class {}) {}
