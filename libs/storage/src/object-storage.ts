import type { Readable } from 'node:stream';

export type ObjectBody = Readable | Buffer;

export interface PutObjectOptions extends CreateOnly {
  contentType: string;
  /** When given, a body of any other length is rejected and nothing is stored. */
  contentLength?: number;
}

export interface CreateOnly {
  /**
   * Create-only: when an object exists at the key, nothing is written and ObjectExistsError is
   * thrown (S3 conditional write `If-None-Match: *`; the local driver links the file exclusively).
   * Stored documents are written this way, so their bytes never change once there.
   */
  ifAbsent?: boolean;
}

export interface ObjectInfo {
  size: number;
  contentType: string;
  /** Opaque version tag (no surrounding quotes); changes when the content changes. */
  etag: string;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Download name offered to the browser (Content-Disposition: attachment). */
  fileName?: string;
  /**
   * Content-Type of the response, overriding the stored one: the caller may know the type better than
   * whoever stored the bytes (a resumable upload is stored before its type is sniffed).
   */
  contentType?: string;
}

export interface PresignPutOptions {
  expiresInSeconds: number;
  contentType: string;
  contentLength?: number;
}

/** A URL the client PUTs the body to, sending exactly these headers (they are part of the signature). */
export interface PresignedPut {
  url: string;
  headers: Record<string, string>;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** S3's limits, applied by every driver so code that works locally works against S3. */
export const MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;
export const MAX_PRESIGN_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The document store. An abstract class rather than an interface so it can be the Nest injection
 * token. Keys are validated by every driver (see assertValidKey); build them with objectKey().
 */
export abstract class ObjectStorage {
  /** Streams the body in; the object becomes visible only once it is complete. */
  abstract put(key: string, body: ObjectBody, options: PutObjectOptions): Promise<void>;

  /** Rejects with ObjectNotFoundError when the key does not exist. */
  abstract getStream(key: string): Promise<Readable>;

  /** null when the key does not exist. */
  abstract head(key: string): Promise<ObjectInfo | null>;

  /** Deleting a missing key is not an error. */
  abstract delete(key: string): Promise<void>;

  abstract presignGet(key: string, options: PresignGetOptions): Promise<string>;

  abstract presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut>;

  /** Starts a resumable upload; returns its upload id. */
  abstract createMultipart(key: string, contentType: string): Promise<string>;

  /** Stores part `partNumber` (1-10000; re-sending a number replaces it); returns its etag. */
  abstract putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: ObjectBody,
    length: number,
  ): Promise<string>;

  /** Joins the parts, in ascending part number order; every part but the last must be ≥ 5 MiB. */
  abstract completeMultipart(
    key: string,
    uploadId: string,
    parts: UploadedPart[],
    options?: CreateOnly,
  ): Promise<void>;

  /** Copies an object inside the store (no bytes through the app); ObjectNotFoundError if `from` is missing. */
  abstract copy(from: string, to: string, options: CreateOnly & { contentType: string }): Promise<void>;

  /** Discards the upload and its parts; aborting an unknown upload is not an error. */
  abstract abortMultipart(key: string, uploadId: string): Promise<void>;
}
