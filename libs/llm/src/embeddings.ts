import { breakerKeyOf } from './providers';

/**
 * Length of the stored document vectors (`vector(1536)`, text-embedding-3-small's). Every model is
 * asked for it (`dimensions`); one that answers another length is never used.
 */
export const EMBEDDING_DIMENSIONS = 1536;

/** Longest identity `document_chunks.embedding_model` holds (migration 1795720000000). */
export const EMBEDDING_IDENTITY_MAX_LENGTH = 720;

/** Texts in one embeddings request: each request is guarded, admitted and counted on its own. */
export const EMBEDDING_REQUEST_TEXTS = 64;

/**
 * Which model made a vector: the provider, the endpoint (normalised, without credentials: see
 * endpointOf) and the model name (the same name at two servers may be two models). Vectors are
 * compared only with vectors of the same identity: two models' spaces are unrelated.
 */
export function embeddingIdentity(c: { baseUrl: string; model: string }): string {
  return `${breakerKeyOf({ provider: 'openai', baseUrl: c.baseUrl })} ${c.model}`;
}

/** An embedding model one can call now. Failures throw (LlmError for provider trouble). */
export interface EmbeddingModel {
  readonly identity: string;
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

/**
 * What an organisation's documents are embedded with:
 * - `platform`: no model of its own, the platform default (environment) applies, if there is one;
 * - `organization`: its own model (its provider, key, guarded agent, breaker, budget);
 * - `paused`: its own model, which cannot be called now (budget used up, keys cannot be opened):
 *   its chunks and queries stay in that model's space, so nothing else is used meanwhile.
 */
export type OrganizationEmbeddingChoice =
  | { kind: 'platform' }
  | { kind: 'organization'; model: EmbeddingModel }
  | { kind: 'paused'; identity: string; reason: string };

/**
 * Port: the organisation's own embedding model (implemented by the assistant context, which keeps
 * the per-organisation AI settings; used by document search for indexing and queries).
 */
export interface OrganizationEmbeddings {
  choose(organizationId: string): Promise<OrganizationEmbeddingChoice>;
}
export const ORGANIZATION_EMBEDDINGS = Symbol('ORGANIZATION_EMBEDDINGS');
