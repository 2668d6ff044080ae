import { featureError } from '@ppt/observability';

export enum ListingErrorCode {
  NotFound = 'LISTING_NOT_FOUND',
  UnitNotFound = 'UNIT_NOT_FOUND',
  ContactNotAllowed = 'CONTACT_NOT_ALLOWED',
  InvalidTransition = 'INVALID_TRANSITION',
  WrongTransaction = 'STATUS_DOES_NOT_FIT_TRANSACTION',
  Closed = 'LISTING_CLOSED',
  NotYours = 'LISTING_NOT_YOURS',
  IncompleteForPublishing = 'LISTING_INCOMPLETE',
  NotPhotos = 'NOT_PHOTO_DOCUMENTS',
}

export class ListingError extends featureError<ListingErrorCode>({
  [ListingErrorCode.NotFound]: 404,
  [ListingErrorCode.UnitNotFound]: 404,
  [ListingErrorCode.ContactNotAllowed]: 422,
  [ListingErrorCode.InvalidTransition]: 409,
  [ListingErrorCode.WrongTransaction]: 422,
  [ListingErrorCode.Closed]: 409,
  [ListingErrorCode.NotYours]: 403,
  [ListingErrorCode.IncompleteForPublishing]: 422,
  [ListingErrorCode.NotPhotos]: 422,
}) {}
