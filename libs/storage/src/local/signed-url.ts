import { createHmac, timingSafeEqual } from 'node:crypto';
import { assertValidKey } from '../object-key';
import { InvalidSignedUrlError } from '../storage-errors';

export type SignedMethod = 'GET' | 'PUT';

/** What a signature covers besides the expiry. PUT binds the body's type and (optionally) length. */
export interface SignedGrant {
  method: SignedMethod;
  key: string;
  fileName?: string;
  contentType?: string;
  contentLength?: number;
}

/** What the request being checked carries (PUT only: its Content-Type and Content-Length headers). */
export interface SignedUrlRequest {
  contentType?: string;
  contentLength?: number;
}

export interface VerifiedSignedUrl {
  method: SignedMethod;
  key: string;
  expiresAt: Date;
  /** GET URLs presigned with a fileName: serve with this Content-Disposition. */
  fileName?: string;
  /** GET URLs presigned with a contentType: serve with this Content-Type instead of the stored one. */
  contentType?: string;
}

export type SignedUrlQuery = URLSearchParams | Record<string, unknown>;

/**
 * HMAC-SHA256 signed, expiring URLs `<baseUrl>/<key>?expires=<unix>&signature=<hex>` for the local
 * driver, standing in for S3's presigned URLs. The server that serves them calls verify().
 */
export class UrlSigner {
  private readonly baseUrl: string;

  constructor(
    private readonly secret: string,
    baseUrl: string,
    private readonly nowMs: () => number,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  sign(grant: SignedGrant, expiresInSeconds: number): string {
    const expires = Math.floor(this.nowMs() / 1000) + expiresInSeconds;
    const query = new URLSearchParams({ expires: String(expires) });
    if (grant.fileName !== undefined) query.set('filename', grant.fileName);
    // A PUT binds the type the request must send (a header); a GET names the type to answer with.
    if (grant.method === 'GET' && grant.contentType !== undefined) query.set('type', grant.contentType);
    query.set('signature', this.signature(grant, expires));
    return `${this.baseUrl}/${grant.key.split('/').map(encodeURIComponent).join('/')}?${query}`;
  }

  /** `key` is the decoded path after the base URL. Throws InvalidSignedUrlError. */
  verify(
    method: string,
    key: string,
    query: SignedUrlQuery,
    request: SignedUrlRequest = {},
  ): VerifiedSignedUrl {
    const expires = queryValue(query, 'expires');
    const signature = queryValue(query, 'signature');
    const fileName = queryValue(query, 'filename');
    const responseType = queryValue(query, 'type');
    // A GET URL also serves HEAD, as on S3.
    const signedMethod = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    if (!expires || !/^\d{1,12}$/.test(expires) || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
      throw new InvalidSignedUrlError('malformed');
    }
    if (signedMethod !== 'GET' && signedMethod !== 'PUT') throw new InvalidSignedUrlError('malformed');
    try {
      assertValidKey(key);
    } catch {
      throw new InvalidSignedUrlError('malformed');
    }

    const expiresAt = Number(expires);
    const candidates: SignedGrant[] =
      signedMethod === 'GET'
        ? [{ method: 'GET', key, fileName, contentType: responseType }]
        : // A PUT URL may or may not bind the length; trying both forms keeps the length out of the URL.
          [
            { method: 'PUT', key, contentType: request.contentType, contentLength: request.contentLength },
            { method: 'PUT', key, contentType: request.contentType },
          ];
    const given = Buffer.from(signature, 'hex');
    const matches = candidates.some((grant) =>
      timingSafeEqual(Buffer.from(this.signature(grant, expiresAt), 'hex'), given),
    );
    if (!matches) throw new InvalidSignedUrlError('bad-signature');
    if (Math.floor(this.nowMs() / 1000) > expiresAt) throw new InvalidSignedUrlError('expired');
    const verified: VerifiedSignedUrl = { method: signedMethod, key, expiresAt: new Date(expiresAt * 1000) };
    if (fileName !== undefined) verified.fileName = fileName;
    if (signedMethod === 'GET' && responseType !== undefined) verified.contentType = responseType;
    return verified;
  }

  private signature(grant: SignedGrant, expires: number): string {
    // JSON keeps the fields unambiguous whatever characters they contain.
    const canonical = JSON.stringify([
      grant.method,
      grant.key,
      expires,
      grant.fileName ?? null,
      grant.contentType ?? null,
      grant.contentLength ?? null,
    ]);
    return createHmac('sha256', this.secret).update(canonical).digest('hex');
  }
}

function queryValue(query: SignedUrlQuery, name: string): string | undefined {
  if (query instanceof URLSearchParams) {
    const all = query.getAll(name);
    if (all.length > 1) throw new InvalidSignedUrlError('malformed');
    return all[0];
  }
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidSignedUrlError('malformed');
  return value;
}
