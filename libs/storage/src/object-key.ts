import { InvalidObjectKeyError } from './storage-errors';

const MAX_KEY_BYTES = 1024; // S3's limit
const MAX_FILE_NAME_LENGTH = 120;
const EXTENSION = /\.[A-Za-z0-9]{1,10}$/;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Where a document's file lives: `org/<organizationId>/documents/<documentId>/<safe-file-name>`.
 * The organisation comes first so a tenant's objects share a prefix (listing, lifecycle rules, export).
 */
export function objectKey(organizationId: string, documentId: string, clientFileName: string): string {
  for (const [name, id] of [
    ['organizationId', organizationId],
    ['documentId', documentId],
  ] as const) {
    if (!ID_PATTERN.test(id))
      throw new InvalidObjectKeyError(`${name} must be 1-64 letters, digits, "_" or "-"`);
  }
  return `org/${organizationId}/documents/${documentId}/${safeFileName(clientFileName)}`;
}

/**
 * Where a direct upload's presigned PUT writes: `org/<organizationId>/staging/<documentId>/upload`,
 * never the document's own key, so the URL cannot reach stored bytes once they are confirmed.
 */
export function stagingKey(organizationId: string, documentId: string): string {
  return objectKey(organizationId, documentId, 'upload').replace('/documents/', '/staging/');
}

/** The organisation and document of a staging key, or null for any other key. */
export function parseStagingKey(key: string): { organizationId: string; documentId: string } | null {
  const match = /^org\/([A-Za-z0-9_-]{1,64})\/staging\/([A-Za-z0-9_-]{1,64})\/upload$/.exec(key);
  return match ? { organizationId: match[1], documentId: match[2] } : null;
}

/**
 * A file name that is safe as the last key segment, derived from a name a client sent: the client's
 * directories are dropped, accents are removed, anything outside [A-Za-z0-9._-] becomes '-', and the
 * result is capped in length while keeping the extension. Never a path, never hidden, never empty.
 */
export function safeFileName(clientFileName: string): string {
  const lastSegment = clientFileName.split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // the accents NFKD split off: "á" → "a"
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-');
  const extension = EXTENSION.exec(cleaned)?.[0] ?? '';
  const base = cleaned
    .slice(0, cleaned.length - extension.length)
    .replace(/^[.-]+/, '') // no hidden files, no ".."
    .slice(0, MAX_FILE_NAME_LENGTH - extension.length)
    .replace(/[.-]+$/, '');
  return (base || 'file') + extension;
}

/**
 * Rejects keys that could mean something else on a file system: absolute paths, "." and ".."
 * segments, empty segments, backslashes and control characters (NUL included). Every driver applies
 * it, so a key accepted locally is accepted on S3 and vice versa.
 */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidObjectKeyError('empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new InvalidObjectKeyError(`longer than ${MAX_KEY_BYTES} bytes`);
  if (CONTROL_CHARACTER.test(key)) throw new InvalidObjectKeyError('contains a control character');
  if (key.includes('\\')) throw new InvalidObjectKeyError('contains a backslash');
  if (key.startsWith('/')) throw new InvalidObjectKeyError('absolute path');
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new InvalidObjectKeyError('empty, "." or ".." path segment');
  }
}

/** Content-Disposition for a download: an ASCII fallback name plus the original name (RFC 6266/8187). */
export function attachmentDisposition(fileName: string): string {
  const original = (fileName.split(/[/\\]/).pop() ?? '').replace(/\p{Cc}/gu, '').normalize('NFC');
  const encoded = encodeURIComponent(original).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${safeFileName(fileName)}"; filename*=UTF-8''${encoded}`;
}
