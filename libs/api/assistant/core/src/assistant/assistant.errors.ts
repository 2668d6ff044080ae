import { featureError } from '@ppt/observability';

export enum AssistantErrorCode {
  /** The organisation turned the assistant off (feature flag). */
  Disabled = 'AI_DISABLED',
  /** No settings of its own and no platform default. */
  NotConfigured = 'AI_NOT_CONFIGURED',
  /** The month's token or cost budget is used up; `details` say when it resets. */
  BudgetExceeded = 'AI_BUDGET_EXCEEDED',
  MessageTooLarge = 'AI_MESSAGE_TOO_LARGE',
  /** The provider refused the test call made with new settings: nothing was saved. */
  SettingsRejected = 'AI_SETTINGS_REJECTED',
  /** The embedding model answered vectors of another length than document search stores (1536). */
  EmbeddingDimensions = 'AI_EMBEDDING_DIMENSIONS',
  /** An embedding model was named for a provider without an embeddings API (anthropic). */
  EmbeddingsUnsupported = 'AI_EMBEDDINGS_UNSUPPORTED',
  ConversationNotFound = 'AI_CONVERSATION_NOT_FOUND',
  DraftNotFound = 'AI_DRAFT_NOT_FOUND',
  /** The listing, lease or document a draft is to be written from does not exist (or is not yours to see). */
  SubjectNotFound = 'AI_SUBJECT_NOT_FOUND',
}

export class AssistantError extends featureError<AssistantErrorCode>({
  [AssistantErrorCode.Disabled]: 403,
  [AssistantErrorCode.NotConfigured]: 409,
  [AssistantErrorCode.BudgetExceeded]: 429,
  [AssistantErrorCode.MessageTooLarge]: 413,
  [AssistantErrorCode.SettingsRejected]: 422,
  [AssistantErrorCode.EmbeddingDimensions]: 422,
  [AssistantErrorCode.EmbeddingsUnsupported]: 422,
  [AssistantErrorCode.ConversationNotFound]: 404,
  [AssistantErrorCode.DraftNotFound]: 404,
  [AssistantErrorCode.SubjectNotFound]: 404,
}) {}
