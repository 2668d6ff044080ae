export { LocalDiskStorage, type LocalDiskStorageOptions } from './local/local-disk-storage';
export type { SignedUrlQuery, SignedUrlRequest, VerifiedSignedUrl } from './local/signed-url';
export {
  assertValidKey,
  attachmentDisposition,
  objectKey,
  parseStagingKey,
  safeFileName,
  stagingKey,
} from './object-key';
export {
  MAX_PART_NUMBER,
  MAX_PRESIGN_TTL_SECONDS,
  MIN_PART_SIZE_BYTES,
  ObjectStorage,
  type CreateOnly,
  type ObjectBody,
  type ObjectInfo,
  type PresignedPut,
  type PresignGetOptions,
  type PresignPutOptions,
  type PutObjectOptions,
  type UploadedPart,
} from './object-storage';
export { S3ObjectStorage, type S3ObjectStorageOptions } from './s3/s3-object-storage';
export {
  STORAGE_DRIVERS,
  StorageEnv,
  withStorageEnv,
  type StorageDriver,
  type StorageSettings,
} from './storage-env';
export {
  InvalidObjectKeyError,
  InvalidSignedUrlError,
  InvalidUploadError,
  ObjectExistsError,
  ObjectNotFoundError,
  StorageError,
  UploadNotFoundError,
  type SignedUrlRejection,
  type StorageErrorCode,
} from './storage-errors';
export { createObjectStorage, StorageModule } from './storage.module';
