import { featureError } from '@ppt/observability';

export enum DocumentErrorCode {
  NotFound = 'DOCUMENT_NOT_FOUND',
  BuildingNotFound = 'BUILDING_NOT_FOUND',
  UnitNotFound = 'UNIT_NOT_FOUND',
  LeaseNotFound = 'LEASE_NOT_FOUND',
  FaultNotFound = 'FAULT_NOT_FOUND',
  PreviousVersionNotFound = 'PREVIOUS_VERSION_NOT_FOUND',
  LinksDisagree = 'DOCUMENT_LINKS_DISAGREE',
  UnitRequired = 'DOCUMENT_UNIT_REQUIRED',
  NotAllowed = 'DOCUMENT_NOT_ALLOWED',
  TooLarge = 'DOCUMENT_TOO_LARGE',
  UnsupportedType = 'UNSUPPORTED_DOCUMENT_TYPE',
  NotMultipart = 'MULTIPART_EXPECTED',
  BadForm = 'BAD_UPLOAD_FORM',
  Signed = 'DOCUMENT_SIGNED',
  NotActive = 'DOCUMENT_NOT_ACTIVE',
  NotPending = 'DOCUMENT_NOT_PENDING',
  ObjectMissing = 'UPLOAD_NOT_RECEIVED',
  AlreadyConfirmed = 'UPLOAD_ALREADY_CONFIRMED',
  SizeMismatch = 'UPLOAD_SIZE_MISMATCH',
  SignedUrlRejected = 'SIGNED_URL_REJECTED',
  StorageNotLocal = 'STORAGE_NOT_LOCAL',
}

export class DocumentError extends featureError<DocumentErrorCode>({
  [DocumentErrorCode.NotFound]: 404,
  [DocumentErrorCode.BuildingNotFound]: 404,
  [DocumentErrorCode.UnitNotFound]: 404,
  [DocumentErrorCode.LeaseNotFound]: 404,
  [DocumentErrorCode.FaultNotFound]: 404,
  [DocumentErrorCode.PreviousVersionNotFound]: 404,
  [DocumentErrorCode.LinksDisagree]: 422,
  [DocumentErrorCode.UnitRequired]: 422,
  [DocumentErrorCode.NotAllowed]: 403,
  [DocumentErrorCode.TooLarge]: 413,
  [DocumentErrorCode.UnsupportedType]: 415,
  [DocumentErrorCode.NotMultipart]: 415,
  [DocumentErrorCode.BadForm]: 400,
  [DocumentErrorCode.Signed]: 409,
  [DocumentErrorCode.NotActive]: 409,
  [DocumentErrorCode.NotPending]: 409,
  [DocumentErrorCode.ObjectMissing]: 409,
  [DocumentErrorCode.AlreadyConfirmed]: 409,
  [DocumentErrorCode.SizeMismatch]: 422,
  [DocumentErrorCode.SignedUrlRejected]: 403,
  [DocumentErrorCode.StorageNotLocal]: 404,
}) {}

export function documentNotFound(): DocumentError {
  return new DocumentError(DocumentErrorCode.NotFound, 'Document not found');
}

export function tooLarge(maxBytes: number): DocumentError {
  return new DocumentError(DocumentErrorCode.TooLarge, `The file is larger than ${maxBytes} bytes`);
}

export function unsupportedType(reason?: string): DocumentError {
  return new DocumentError(
    DocumentErrorCode.UnsupportedType,
    reason ??
      'The file is not one of the allowed types: PDF, JPEG, PNG, WebP, GIF, DOCX, XLSX, PPTX, ODT or UTF-8 text',
  );
}

export function photoMustBeImage(): DocumentError {
  return new DocumentError(
    DocumentErrorCode.UnsupportedType,
    'A photo must be a JPEG, PNG, WebP or GIF image',
  );
}
