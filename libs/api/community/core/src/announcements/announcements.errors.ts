import { featureError } from '@ppt/observability';

export enum AnnouncementErrorCode {
  NotFound = 'ANNOUNCEMENT_NOT_FOUND',
  NotEditable = 'ANNOUNCEMENT_NOT_EDITABLE',
  InvalidTransition = 'INVALID_TRANSITION',
  InvalidAudience = 'INVALID_AUDIENCE',
  InvalidAttachment = 'INVALID_ATTACHMENT',
  PublishAtInPast = 'PUBLISH_AT_IN_PAST',
  AcknowledgementNotRequested = 'ACKNOWLEDGEMENT_NOT_REQUESTED',
  NotRecipient = 'NOT_A_RECIPIENT',
}

export class AnnouncementError extends featureError<AnnouncementErrorCode>({
  [AnnouncementErrorCode.NotFound]: 404,
  [AnnouncementErrorCode.NotEditable]: 409,
  [AnnouncementErrorCode.InvalidTransition]: 409,
  [AnnouncementErrorCode.InvalidAudience]: 422,
  [AnnouncementErrorCode.InvalidAttachment]: 422,
  [AnnouncementErrorCode.PublishAtInPast]: 422,
  [AnnouncementErrorCode.AcknowledgementNotRequested]: 422,
  [AnnouncementErrorCode.NotRecipient]: 403,
}) {}
