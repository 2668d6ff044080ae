import { Controller, Get, HttpCode, Optional, Put, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@ppt/observability';
import {
  attachmentDisposition,
  InvalidSignedUrlError,
  InvalidUploadError,
  LocalDiskStorage,
  ObjectNotFoundError,
  parseStagingKey,
} from '@ppt/storage';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { DocumentError, DocumentErrorCode, documentNotFound, StagingPuts } from '@ppt/api-documents-core';

const PREFIX = '/api/v1/storage/';

/**
 * Serves the local storage driver's presigned URLs (`STORAGE_PUBLIC_BASE_URL` = this route): the
 * HMAC signature and expiry are the authorisation, so the route is public; a tampered or expired URL
 * is 403. GET/HEAD stream the object out, PUT (direct uploads) streams it in. With the S3 driver the
 * URLs point at S3 and this route answers 404. Hidden from OpenAPI: clients follow URLs they were given.
 */
@ApiExcludeController()
@Public()
@Controller('storage')
export class LocalStorageController {
  constructor(
    private readonly staging: StagingPuts,
    @Optional() private readonly storage?: LocalDiskStorage,
  ) {}

  @Get('*key')
  async get(@Req() req: Request, @Res() res: Response): Promise<void> {
    const storage = this.local();
    const key = keyOf(req);
    const grant = verify(() => storage.verifySignedUrl(req.method, key, req.query));
    const info = await storage.head(key);
    if (!info) throw documentNotFound();
    res.status(200).set({
      'Content-Type': grant.contentType ?? info.contentType,
      'Content-Length': String(info.size),
      ETag: `"${info.etag}"`,
      'Cache-Control': 'private, max-age=0',
      // The URL is the permission: let other origins (the portal's pages) load it.
      'Cross-Origin-Resource-Policy': 'cross-origin',
      // Stored files never run as pages of this origin.
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      ...(grant.fileName === undefined
        ? {}
        : { 'Content-Disposition': attachmentDisposition(grant.fileName) }),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeline(await storage.getStream(key), res);
    } catch (err) {
      if (err instanceof ObjectNotFoundError && !res.headersSent) throw documentNotFound();
      res.destroy(); // the client went away, or the file vanished mid-way: nothing more to say
    }
  }

  /**
   * A direct upload's PUT. Presigned PUTs are only ever made for staging keys, and each is good for
   * one upload: the document's row is claimed before the bytes are stored (released if they fail), so
   * a replayed URL is refused — 409 UPLOAD_ALREADY_CONFIRMED once the document is active.
   */
  @Put('*key')
  @HttpCode(204)
  async put(@Req() req: Request): Promise<void> {
    const storage = this.local();
    const key = keyOf(req);
    const contentType = req.headers['content-type'];
    const length = req.headers['content-length'];
    const contentLength = length === undefined ? undefined : Number(length);
    verify(() => storage.verifySignedUrl('PUT', key, req.query, { contentType, contentLength }));
    const staged = parseStagingKey(key);
    if (!staged) {
      throw new DocumentError(DocumentErrorCode.SignedUrlRejected, 'The link is not valid (not an upload)');
    }
    const { organizationId, documentId } = staged;
    const claimed = await this.staging.claim(organizationId, documentId, key);
    if (claimed !== 'claimed') {
      req.resume();
      throw claimed === 'confirmed'
        ? new DocumentError(
            DocumentErrorCode.AlreadyConfirmed,
            'The upload was confirmed: this link is spent',
          )
        : new DocumentError(DocumentErrorCode.SignedUrlRejected, 'The link is not valid (already used)');
    }
    try {
      await storage.put(key, req, { contentType: contentType ?? 'application/octet-stream', contentLength });
    } catch (err) {
      await this.staging.release(organizationId, documentId).catch(() => undefined);
      if (err instanceof InvalidUploadError) {
        throw new DocumentError(DocumentErrorCode.SizeMismatch, err.message);
      }
      throw err;
    }
  }

  private local(): LocalDiskStorage {
    if (!this.storage) {
      throw new DocumentError(DocumentErrorCode.StorageNotLocal, 'Files are not stored by this server');
    }
    return this.storage;
  }
}

/** The object key: the path after the route, each segment URL-decoded (as the signer encoded it). */
function keyOf(req: Request): string {
  const path = req.path.startsWith(PREFIX) ? req.path.slice(PREFIX.length) : '';
  try {
    return path.split('/').map(decodeURIComponent).join('/');
  } catch {
    return '';
  }
}

function verify<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof InvalidSignedUrlError) {
      throw new DocumentError(DocumentErrorCode.SignedUrlRejected, `The link is not valid (${err.reason})`);
    }
    throw err;
  }
}
