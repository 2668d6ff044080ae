import { featureError } from '@ppt/observability';

export enum UploadErrorCode {
  NotFound = 'UPLOAD_NOT_FOUND',
  TooLarge = 'UPLOAD_TOO_LARGE',
  TooManyChunks = 'TOO_MANY_CHUNKS',
  ChunkOutOfRange = 'CHUNK_OUT_OF_RANGE',
  ChecksumMissing = 'CHUNK_CHECKSUM_MISSING',
  ChunkSizeMismatch = 'CHUNK_SIZE_MISMATCH',
  ChunkChecksumMismatch = 'CHUNK_CHECKSUM_MISMATCH',
  ChunkConflict = 'CHUNK_CONFLICT',
  ChunkInProgress = 'CHUNK_IN_PROGRESS',
  StorageUnavailable = 'STORAGE_UNAVAILABLE',
  NotOpen = 'UPLOAD_NOT_OPEN',
  Incomplete = 'UPLOAD_INCOMPLETE',
  FileChecksumMismatch = 'FILE_CHECKSUM_MISMATCH',
}

export class UploadError extends featureError<UploadErrorCode>({
  [UploadErrorCode.NotFound]: 404,
  [UploadErrorCode.TooLarge]: 413,
  [UploadErrorCode.TooManyChunks]: 422,
  [UploadErrorCode.ChunkOutOfRange]: 422,
  [UploadErrorCode.ChecksumMissing]: 400,
  [UploadErrorCode.ChunkSizeMismatch]: 422,
  [UploadErrorCode.ChunkChecksumMismatch]: 422,
  [UploadErrorCode.ChunkConflict]: 409,
  [UploadErrorCode.ChunkInProgress]: 409,
  [UploadErrorCode.StorageUnavailable]: 503,
  [UploadErrorCode.NotOpen]: 409,
  [UploadErrorCode.Incomplete]: 409,
  [UploadErrorCode.FileChecksumMismatch]: 422,
}) {}
