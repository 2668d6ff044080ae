import { featureError } from '@ppt/observability';

export enum ConversationErrorCode {
  /** Also for conversations that exist but the caller may not see (existence is never revealed). */
  NotFound = 'CONVERSATION_NOT_FOUND',
  MessageNotFound = 'MESSAGE_NOT_FOUND',
  RecipientNotFound = 'RECIPIENT_NOT_FOUND',
  BuildingNotFound = 'BUILDING_NOT_FOUND',
  NotAllowed = 'CONVERSATION_NOT_ALLOWED',
  InvalidConversation = 'INVALID_CONVERSATION',
  InvalidAttachment = 'INVALID_ATTACHMENT',
  ClientMessageIdReused = 'CLIENT_MESSAGE_ID_REUSED',
}

export class ConversationError extends featureError<ConversationErrorCode>({
  [ConversationErrorCode.NotFound]: 404,
  [ConversationErrorCode.MessageNotFound]: 404,
  [ConversationErrorCode.RecipientNotFound]: 404,
  [ConversationErrorCode.BuildingNotFound]: 404,
  [ConversationErrorCode.NotAllowed]: 403,
  [ConversationErrorCode.InvalidConversation]: 422,
  [ConversationErrorCode.InvalidAttachment]: 422,
  [ConversationErrorCode.ClientMessageIdReused]: 409,
}) {}
