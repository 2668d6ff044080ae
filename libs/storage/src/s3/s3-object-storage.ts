import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { OnModuleDestroy } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { assertValidKey, attachmentDisposition } from '../object-key';
import {
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
} from '../object-storage';
import { ObjectExistsError, ObjectNotFoundError, UploadNotFoundError } from '../storage-errors';
import {
  assertLength,
  assertPartList,
  assertPartNumber,
  assertPresignTtl,
  checkedBody,
} from '../upload-rules';

export interface S3ObjectStorageOptions {
  bucket: string;
  region: string;
  /** For MinIO and other S3-compatible stores; unset = AWS. */
  endpoint?: string;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`), which most S3-compatible stores need. */
  forcePathStyle?: boolean;
  /** Unset = the SDK's default chain (environment, profile, IAM role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Part size of streamed puts; bodies up to this size go up in one request. */
  partSizeBytes?: number;
}

const UPLOAD_CONCURRENCY = 4;

/** Objects in one S3 bucket (AWS, MinIO or any S3-compatible store). */
export class S3ObjectStorage extends ObjectStorage implements OnModuleDestroy {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;

  constructor(options: S3ObjectStorageOptions) {
    super();
    this.bucket = options.bucket;
    this.partSize = Math.max(options.partSizeBytes ?? MIN_PART_SIZE_BYTES, MIN_PART_SIZE_BYTES);
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.credentials,
      // Only send checksums S3 demands: the SDK's default trailing checksums (aws-chunked bodies) are
      // rejected by many S3-compatible stores and would be baked into presigned PUT URLs.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }

  async put(key: string, body: ObjectBody, options: PutObjectOptions): Promise<void> {
    assertValidKey(key);
    if (options.contentLength !== undefined) assertLength(options.contentLength, 'contentLength');
    // lib-storage reads the stream a part at a time: small bodies become one PutObject, larger ones a
    // multipart upload that is aborted if the stream fails, so the whole file is never in memory.
    const source = checkedBody(body, options.contentLength);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: source,
        ContentType: options.contentType,
        // Reaches the PutObject of a small body and the CompleteMultipartUpload of a large one.
        ...ifAbsent(options),
      },
      partSize: this.partSize,
      queueSize: UPLOAD_CONCURRENCY,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      throw existsError(err, key);
    }
  }

  async copy(from: string, to: string, options: CreateOnly & { contentType: string }): Promise<void> {
    assertValidKey(from);
    assertValidKey(to);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: to,
          CopySource: `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
          ContentType: options.contentType,
          MetadataDirective: 'REPLACE',
          ...ifAbsent(options),
        }),
      );
    } catch (err) {
      if (isS3Error(err, 'NoSuchKey')) throw new ObjectNotFoundError(from);
      throw existsError(err, to);
    }
  }

  async getStream(key: string): Promise<Readable> {
    assertValidKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return response.Body as Readable;
    } catch (err) {
      if (isS3Error(err, 'NoSuchKey')) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: response.ContentLength ?? 0,
        contentType: response.ContentType ?? 'application/octet-stream',
        etag: unquote(response.ETag),
      };
    } catch (err) {
      // HEAD responses have no body, so a missing key is only a 404 (named NotFound).
      if (err instanceof S3ServiceException && err.$metadata?.httpStatusCode === 404) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    assertValidKey(key);
    assertPresignTtl(options.expiresInSeconds);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition:
        options.fileName === undefined ? undefined : attachmentDisposition(options.fileName),
      ResponseContentType: options.contentType,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut> {
    assertValidKey(key);
    assertPresignTtl(options.expiresInSeconds);
    const { contentType, contentLength } = options;
    if (contentLength !== undefined) assertLength(contentLength, 'contentLength');
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: contentType,
      ContentLength: contentLength,
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: options.expiresInSeconds,
      // Signed headers: S3 refuses an upload whose type or length differs from what was granted.
      signableHeaders: new Set(
        contentLength === undefined ? ['content-type'] : ['content-type', 'content-length'],
      ),
    });
    const headers: Record<string, string> = { 'Content-Type': contentType };
    if (contentLength !== undefined) headers['Content-Length'] = String(contentLength);
    return { url, headers };
  }

  async createMultipart(key: string, contentType: string): Promise<string> {
    assertValidKey(key);
    const response = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    if (!response.UploadId) throw new Error('S3 returned no UploadId');
    return response.UploadId;
  }

  async putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: ObjectBody,
    length: number,
  ): Promise<string> {
    assertValidKey(key);
    assertPartNumber(partNumber);
    assertLength(length, 'length');
    const source = checkedBody(body, length);
    // A body that fails midway (the client of an upload went away) must end the request to S3 too,
    // or it waits for the missing bytes until the store times it out.
    const request = new AbortController();
    if (!Buffer.isBuffer(source)) source.once('error', () => request.abort());
    try {
      const response = await this.client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: source,
          ContentLength: length,
        }),
        { abortSignal: request.signal },
      );
      return unquote(response.ETag);
    } catch (err) {
      if (isS3Error(err, 'NoSuchUpload')) throw new UploadNotFoundError(uploadId);
      throw err;
    }
  }

  async completeMultipart(
    key: string,
    uploadId: string,
    parts: UploadedPart[],
    options: CreateOnly = {},
  ): Promise<void> {
    assertValidKey(key);
    assertPartList(parts);
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${unquote(p.etag)}"` })),
          },
          ...ifAbsent(options),
        }),
      );
    } catch (err) {
      if (isS3Error(err, 'NoSuchUpload')) throw new UploadNotFoundError(uploadId);
      throw existsError(err, key);
    }
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch (err) {
      if (!isS3Error(err, 'NoSuchUpload')) throw err;
    }
  }
}

/** S3 conditional writes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html */
function ifAbsent(options: CreateOnly): { IfNoneMatch?: string } {
  return options.ifAbsent ? { IfNoneMatch: '*' } : {};
}

/** A conditional write refused because the key exists is 412 PreconditionFailed. */
function existsError(err: unknown, key: string): unknown {
  return err instanceof S3ServiceException && err.$metadata?.httpStatusCode === 412
    ? new ObjectExistsError(key)
    : err;
}

function isS3Error(err: unknown, code: string): boolean {
  return err instanceof S3ServiceException && err.name === code;
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}
