export type StorageErrorCode =
  | 'OBJECT_NOT_FOUND'
  | 'OBJECT_EXISTS'
  | 'UPLOAD_NOT_FOUND'
  | 'INVALID_KEY'
  | 'INVALID_UPLOAD'
  | 'INVALID_SIGNED_URL';

/** Base of every error the storage drivers throw on purpose; callers map `code` to HTTP statuses. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ObjectNotFoundError extends StorageError {
  constructor(readonly key: string) {
    super('OBJECT_NOT_FOUND', `No object at key "${key}"`);
  }
}

/** A create-only write (`ifAbsent`) found an object at the key already: nothing was changed. */
export class ObjectExistsError extends StorageError {
  constructor(readonly key: string) {
    super('OBJECT_EXISTS', `An object exists at key "${key}" and is never overwritten`);
  }
}

/** The multipart upload does not exist: never created, already completed, or aborted. */
export class UploadNotFoundError extends StorageError {
  constructor(readonly uploadId: string) {
    super('UPLOAD_NOT_FOUND', `No multipart upload "${uploadId}"`);
  }
}

export class InvalidObjectKeyError extends StorageError {
  constructor(reason: string) {
    super('INVALID_KEY', `Invalid object key: ${reason}`);
  }
}

/** Bad upload input: wrong byte count, part number or part list. */
export class InvalidUploadError extends StorageError {
  constructor(message: string) {
    super('INVALID_UPLOAD', message);
  }
}

export type SignedUrlRejection = 'malformed' | 'expired' | 'bad-signature';

export class InvalidSignedUrlError extends StorageError {
  constructor(readonly reason: SignedUrlRejection) {
    super('INVALID_SIGNED_URL', `Signed URL rejected: ${reason}`);
  }
}
