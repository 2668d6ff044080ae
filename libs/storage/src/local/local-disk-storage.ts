import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { assertValidKey } from '../object-key';
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
import {
  InvalidObjectKeyError,
  InvalidUploadError,
  ObjectExistsError,
  ObjectNotFoundError,
  UploadNotFoundError,
} from '../storage-errors';
import {
  assertLength,
  assertPartList,
  assertPartNumber,
  assertPresignTtl,
  toReadable,
} from '../upload-rules';
import {
  isNotFound,
  pathUnder,
  pruneEmptyFolders,
  publishFile,
  stageFile,
  type StagedFile,
} from './disk-files';
import { UrlSigner, type SignedUrlQuery, type SignedUrlRequest, type VerifiedSignedUrl } from './signed-url';

export interface LocalDiskStorageOptions {
  rootDir: string;
  /** Base of presigned URLs; the app serving them routes `<base>/<key>` to verifySignedUrl(). */
  publicBaseUrl: string;
  signingSecret: string;
  /** Clock in milliseconds; lets tests check expiry without waiting. */
  nowMs?: () => number;
}

interface StoredMetadata {
  contentType: string;
  etag: string;
}

interface UploadManifest {
  key: string;
  contentType: string;
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PART_ETAG = /^[0-9a-f]{32}$/;
const partFileName = (partNumber: number, etag: string) => `${String(partNumber).padStart(5, '0')}.${etag}`;

/**
 * Objects as plain files under `<root>/objects/<key>`, with content type and etag beside them under
 * `<root>/meta/<key>.json`. Writes go to `<root>/tmp` and are renamed into place, so a reader sees the
 * old object or the new one, never a partial file. Multipart uploads keep their parts in
 * `<root>/uploads/<uploadId>/` until completed or aborted.
 */
export class LocalDiskStorage extends ObjectStorage {
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly tmpDir: string;
  private readonly uploadsDir: string;
  private readonly signer: UrlSigner;

  constructor(options: LocalDiskStorageOptions) {
    super();
    const root = resolve(options.rootDir);
    this.objectsDir = join(root, 'objects');
    this.metaDir = join(root, 'meta');
    this.tmpDir = join(root, 'tmp');
    this.uploadsDir = join(root, 'uploads');
    this.signer = new UrlSigner(options.signingSecret, options.publicBaseUrl, options.nowMs ?? Date.now);
  }

  async put(key: string, body: ObjectBody, options: PutObjectOptions): Promise<void> {
    assertValidKey(key);
    if (options.contentLength !== undefined) assertLength(options.contentLength, 'contentLength');
    const staged = await stageFile(this.tmpDir, toReadable(body), options.contentLength);
    await this.publish(key, staged, options.contentType, options);
  }

  async copy(from: string, to: string, options: CreateOnly & { contentType: string }): Promise<void> {
    assertValidKey(to);
    const source = await this.getStream(from);
    const staged = await stageFile(this.tmpDir, source);
    await this.publish(to, staged, options.contentType, options);
  }

  async getStream(key: string): Promise<Readable> {
    const { data } = this.paths(key);
    try {
      // Opening now (not on first read) makes a missing key reject here, and pins the current version.
      const file = await open(data, 'r');
      if (!(await file.stat()).isFile()) {
        await file.close();
        throw new ObjectNotFoundError(key);
      }
      return file.createReadStream();
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const { data, meta } = this.paths(key);
    const stats = await stat(data).catch((err) => (isNotFound(err) ? null : Promise.reject(err)));
    if (!stats?.isFile()) return null;
    const stored = await readJson<StoredMetadata>(meta);
    return {
      size: stats.size,
      contentType: stored?.contentType ?? 'application/octet-stream',
      // Files placed by hand have no metadata; size and mtime still change with the content.
      etag: stored?.etag ?? `${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}`,
    };
  }

  async delete(key: string): Promise<void> {
    const { data, meta } = this.paths(key);
    // A key that names only a folder of other keys is not an object; as on S3, deleting it does nothing.
    await unlink(data).catch((err) =>
      isNotFound(err) || ['EISDIR', 'EPERM'].includes(err.code) ? undefined : Promise.reject(err),
    );
    await rm(meta, { force: true });
    await pruneEmptyFolders(dirname(data), this.objectsDir);
    await pruneEmptyFolders(dirname(meta), this.metaDir);
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    assertValidKey(key);
    assertPresignTtl(options.expiresInSeconds);
    const { fileName, contentType } = options;
    return this.signer.sign({ method: 'GET', key, fileName, contentType }, options.expiresInSeconds);
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut> {
    assertValidKey(key);
    assertPresignTtl(options.expiresInSeconds);
    const { contentType, contentLength } = options;
    if (contentLength !== undefined) assertLength(contentLength, 'contentLength');
    const url = this.signer.sign(
      { method: 'PUT', key, contentType, contentLength },
      options.expiresInSeconds,
    );
    const headers: Record<string, string> = { 'Content-Type': contentType };
    if (contentLength !== undefined) headers['Content-Length'] = String(contentLength);
    return { url, headers };
  }

  /**
   * Checks a URL made by presignGet/presignPut. `key` is the decoded path after publicBaseUrl; for PUT
   * pass the request's Content-Type and Content-Length, which the signature binds. Throws
   * InvalidSignedUrlError (reason malformed | bad-signature | expired).
   */
  verifySignedUrl(
    method: string,
    key: string,
    query: SignedUrlQuery,
    request?: SignedUrlRequest,
  ): VerifiedSignedUrl {
    return this.signer.verify(method, key, query, request);
  }

  async createMultipart(key: string, contentType: string): Promise<string> {
    assertValidKey(key);
    const uploadId = randomUUID();
    const dir = join(this.uploadsDir, uploadId);
    await mkdir(dir, { recursive: true });
    const manifest: UploadManifest = { key, contentType };
    await writeFile(join(dir, 'upload.json'), JSON.stringify(manifest), { flag: 'wx' });
    return uploadId;
  }

  async putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: ObjectBody,
    length: number,
  ): Promise<string> {
    assertPartNumber(partNumber);
    assertLength(length, 'length');
    const { dir } = await this.openUpload(key, uploadId);
    const staged = await stageFile(this.tmpDir, toReadable(body), length);
    const name = partFileName(partNumber, staged.md5);
    try {
      await rename(staged.path, join(dir, name));
    } catch (err) {
      await rm(staged.path, { force: true });
      // Aborted or completed while this part was uploading.
      if (isNotFound(err)) throw new UploadNotFoundError(uploadId);
      throw err;
    }
    // A re-sent part number replaces the earlier part, as on S3.
    const prefix = name.slice(0, 6);
    const stale = (await readdir(dir)).filter((file) => file.startsWith(prefix) && file !== name);
    await Promise.all(stale.map((file) => rm(join(dir, file), { force: true })));
    return staged.md5;
  }

  async completeMultipart(
    key: string,
    uploadId: string,
    parts: UploadedPart[],
    options: CreateOnly = {},
  ): Promise<void> {
    assertPartList(parts);
    const { dir, manifest } = await this.openUpload(key, uploadId);
    const names = await Promise.all(
      parts.map(async ({ partNumber, etag }, i) => {
        const name = PART_ETAG.test(etag) ? partFileName(partNumber, etag) : undefined;
        const size = name
          ? await stat(join(dir, name)).then(
              (s) => s.size,
              () => undefined,
            )
          : undefined;
        if (!name || size === undefined)
          throw new InvalidUploadError(`part ${partNumber} with etag "${etag}" was not uploaded`);
        if (i < parts.length - 1 && size < MIN_PART_SIZE_BYTES) {
          throw new InvalidUploadError(`part ${partNumber} is smaller than 5 MiB and not the last part`);
        }
        return name;
      }),
    );

    // Claim the upload by moving it away: a concurrent complete or abort then finds nothing.
    const claimed = join(this.tmpDir, `upload-${uploadId}`);
    await mkdir(this.tmpDir, { recursive: true });
    await rename(dir, claimed).catch((err) =>
      Promise.reject(isNotFound(err) ? new UploadNotFoundError(uploadId) : err),
    );
    try {
      const staged = await stageFile(this.tmpDir, async function* concatenate() {
        for (const name of names) yield* createReadStream(join(claimed, name));
      });
      await this.publish(key, staged, manifest.contentType, options);
    } catch (err) {
      await rename(claimed, dir).catch(() => undefined); // leave the upload retryable
      throw err;
    }
    await rm(claimed, { recursive: true, force: true });
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    const upload = await this.openUpload(key, uploadId).catch((err) =>
      err instanceof UploadNotFoundError ? null : Promise.reject(err),
    );
    if (upload) await rm(upload.dir, { recursive: true, force: true });
  }

  private paths(key: string): { data: string; meta: string } {
    assertValidKey(key);
    return { data: pathUnder(this.objectsDir, key), meta: pathUnder(this.metaDir, `${key}.json`) };
  }

  /** The upload's folder and manifest, once its id is well-formed and the manifest names this key. */
  private async openUpload(
    key: string,
    uploadId: string,
  ): Promise<{ dir: string; manifest: UploadManifest }> {
    assertValidKey(key);
    if (!UPLOAD_ID.test(uploadId)) throw new UploadNotFoundError(uploadId);
    const dir = join(this.uploadsDir, uploadId);
    const manifest = await readJson<UploadManifest>(join(dir, 'upload.json'));
    if (manifest?.key !== key) throw new UploadNotFoundError(uploadId);
    return { dir, manifest };
  }

  private async publish(
    key: string,
    staged: StagedFile,
    contentType: string,
    options: CreateOnly = {},
  ): Promise<void> {
    const { data, meta } = this.paths(key);
    const metaTmp = join(this.tmpDir, `${randomUUID()}.json`);
    const stored: StoredMetadata = { contentType, etag: staged.md5 };
    try {
      await writeFile(metaTmp, JSON.stringify(stored), { flag: 'wx' });
      if (options.ifAbsent) {
        // link() fails when the name exists, atomically: the data goes in first, or not at all.
        await linkExclusively(staged.path, data, key);
        await publishFile(metaTmp, meta);
        return;
      }
      // Metadata first: a crash in between leaves metadata without data, which head() ignores.
      await publishFile(metaTmp, meta);
      await publishFile(staged.path, data);
    } finally {
      await rm(metaTmp, { force: true });
      await rm(staged.path, { force: true });
    }
  }
}

async function linkExclusively(from: string, to: string, key: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const existing = await stat(to).catch(() => null);
    if (existing?.isDirectory()) throw new InvalidObjectKeyError('collides with the folder of another key');
    throw new ObjectExistsError(key);
  }
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}
