import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ObjectStorage } from '@ppt/storage';
import {
  DOCUMENT_TYPES,
  NotTextError,
  SNIFF_BYTES,
  sniffContentType,
  TextCheck,
  type DocumentType,
} from './content-type';
import { unsupportedType } from './documents.errors';

export interface InspectedContent {
  contentType: DocumentType;
  /** The whole content, head included, checked as it flows (text stays valid UTF-8 to the end). */
  body: Readable;
  /** Size and SHA-256 of what `body` delivered; valid once it ended. */
  totals(): { sizeBytes: number; sha256: string };
}

/**
 * Sniffs a stream's type from its first bytes before anything is stored (a storage upload needs the
 * type up front), then hands back the whole stream. Throws 415 at once for a type not allowed; a text
 * file that turns out not to be text fails the body stream with 415 later. Holds at most SNIFF_BYTES.
 */
export async function inspectContent(source: AsyncIterable<Buffer>): Promise<InspectedContent> {
  const chunks = source[Symbol.asyncIterator]();
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let complete = false;
  while (headLength < SNIFF_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      complete = true;
      break;
    }
    headChunks.push(next.value);
    headLength += next.value.length;
  }
  const head = Buffer.concat(headChunks);
  const contentType = sniffContentType(head, complete);
  if (!contentType) {
    await chunks.return?.();
    throw unsupportedType(head.length === 0 ? 'The file is empty' : undefined);
  }

  const hash = createHash('sha256');
  const text = contentType === DOCUMENT_TYPES.text ? new TextCheck() : undefined;
  let sizeBytes = 0;
  const pass = (chunk: Buffer): Buffer => {
    text?.push(chunk);
    hash.update(chunk);
    sizeBytes += chunk.length;
    return chunk;
  };
  async function* everything(): AsyncGenerator<Buffer> {
    try {
      yield pass(head);
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield pass(next.value);
      text?.end();
    } catch (err) {
      throw err instanceof NotTextError ? unsupportedType(err.message) : err;
    }
  }
  let digest: string | undefined;
  return {
    contentType,
    body: Readable.from(everything(), { objectMode: false }),
    totals: () => ({ sizeBytes, sha256: (digest ??= hash.digest('hex')) }),
  };
}

/**
 * Checks an object already in storage (direct and resumable uploads): its type from the head, and —
 * for text, or when `hash` is asked for — the whole content, read as a stream. Throws 415.
 */
export async function inspectStoredObject(
  storage: ObjectStorage,
  key: string,
  options: { hash: boolean },
): Promise<{ contentType: DocumentType; sha256: string | null }> {
  const stream = await storage.getStream(key);
  try {
    const inspected = await inspectContent(stream);
    if (!options.hash && inspected.contentType !== DOCUMENT_TYPES.text)
      return { contentType: inspected.contentType, sha256: null };
    for await (const chunk of inspected.body) void chunk;
    return { contentType: inspected.contentType, sha256: inspected.totals().sha256 };
  } finally {
    stream.destroy();
  }
}

/** SHA-256 of an object in storage, read as a stream. */
export async function sha256OfObject(storage: ObjectStorage, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await storage.getStream(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
