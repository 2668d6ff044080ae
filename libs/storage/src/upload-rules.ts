import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { createHash, type Hash } from 'node:crypto';
import {
  MAX_PART_NUMBER,
  MAX_PRESIGN_TTL_SECONDS,
  type ObjectBody,
  type UploadedPart,
} from './object-storage';
import { InvalidUploadError } from './storage-errors';

export function toReadable(body: ObjectBody): Readable {
  return Buffer.isBuffer(body) ? Readable.from([body]) : body;
}

/** A body to hand to a client library: buffers as they are, streams through a length check when one is declared. */
export function checkedBody(body: ObjectBody, expectedLength?: number): Buffer | Readable {
  if (Buffer.isBuffer(body)) {
    if (expectedLength !== undefined && body.length !== expectedLength) {
      throw new InvalidUploadError(`body has ${body.length} bytes, ${expectedLength} were declared`);
    }
    return body;
  }
  if (expectedLength === undefined) return body;
  const meter = new ContentMeter(expectedLength);
  pipeline(body, meter, () => undefined); // a source error destroys the meter, so its reader sees it
  return meter;
}

export function assertPresignTtl(expiresInSeconds: number): void {
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > MAX_PRESIGN_TTL_SECONDS
  ) {
    throw new RangeError(`expiresInSeconds must be an integer in 1..${MAX_PRESIGN_TTL_SECONDS}`);
  }
}

export function assertPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new InvalidUploadError(`part number must be an integer in 1..${MAX_PART_NUMBER}`);
  }
}

export function assertLength(length: number, what: string): void {
  if (!Number.isSafeInteger(length) || length < 0)
    throw new InvalidUploadError(`${what} must be a non-negative integer`);
}

/** S3 requires the completed part list in ascending order without repeats; so do we, everywhere. */
export function assertPartList(parts: UploadedPart[]): void {
  if (parts.length === 0) throw new InvalidUploadError('a multipart upload needs at least one part');
  parts.forEach((part, i) => {
    assertPartNumber(part.partNumber);
    if (i > 0 && part.partNumber <= parts[i - 1].partNumber) {
      throw new InvalidUploadError('parts must be listed in ascending part number order without repeats');
    }
  });
}

/**
 * Passes bytes through while counting (and optionally hashing) them. With an expected length it fails
 * the stream as soon as the body is longer, or at the end when it is shorter, so a truncated or
 * oversized upload errors out before anything is published.
 */
export class ContentMeter extends Transform {
  bytes = 0;
  private readonly hash?: Hash;

  constructor(
    private readonly expectedLength?: number,
    hashAlgorithm?: 'md5' | 'sha256',
  ) {
    super();
    this.hash = hashAlgorithm ? createHash(hashAlgorithm) : undefined;
  }

  digest(): string {
    if (!this.hash) throw new Error('ContentMeter was created without a hash');
    return this.hash.digest('hex');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedLength !== undefined && this.bytes > this.expectedLength) {
      callback(new InvalidUploadError(`body is longer than the declared ${this.expectedLength} bytes`));
      return;
    }
    this.hash?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedLength !== undefined && this.bytes !== this.expectedLength) {
      callback(new InvalidUploadError(`body has ${this.bytes} bytes, ${this.expectedLength} were declared`));
      return;
    }
    callback();
  }
}
