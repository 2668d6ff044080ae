export {
  ASSISTANT_RETRIEVER,
  type AssistantRetriever,
  type RetrievalActor,
  type RetrievedChunk,
} from './retriever.port';
export { budgetWindow, costMicros, exhaustedBudget, type BudgetLimits, type UsageSoFar } from './budget';
export {
  LlmClient,
  type ChatStream,
  type ChatTurn,
  type ChatUsage,
  type CompleteOptions,
  type EmbeddingUsage,
} from './llm-client';
export { LlmError, LlmErrorCode } from './llm.errors';
export { LlmCallAborted, ProviderGuard, providerStatusOf, type GuardSettings } from './provider-guard';
export {
  LLM_PROVIDERS,
  breakerKeyOf,
  createChatModel,
  embeddingsBreakerKeyOf,
  endpointOf,
  createEmbeddings,
  type GuardedFetch,
  type LlmConnection,
  type LlmProvider,
} from './providers';
export { estimateMessageTokens, estimateTokens } from './tokens';
export {
  EMBEDDING_DIMENSIONS,
  EMBEDDING_IDENTITY_MAX_LENGTH,
  EMBEDDING_REQUEST_TEXTS,
  ORGANIZATION_EMBEDDINGS,
  embeddingIdentity,
  type EmbeddingModel,
  type OrganizationEmbeddingChoice,
  type OrganizationEmbeddings,
} from './embeddings';
