import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { SyndicationPhoto } from '../syndication-listing';

/** One photo of a transfer: where it goes inside the ZIP and the photo to read when it is its turn. */
export interface OpenImmoAttachment {
  /** File name inside the ZIP (`<daten><pfad>`). */
  path: string;
  format: string;
  photo: Pick<SyndicationPhoto, 'read'>;
}

/** A transfer ZIP on disk; `dispose` deletes it (always call it, also after a failed upload). */
export interface PackedTransfer {
  path: string;
  sizeBytes: number;
  dispose(): Promise<void>;
}

/**
 * Writes a transfer ZIP to a temporary file, one photo in memory at a time: yazl asks for an
 * entry's bytes only when the previous entry is written, so a VOLL transfer of a thousand listings
 * with twenty photos each costs one photo's memory, not the whole set. The photos go first and the
 * XML last, because the XML carries each photo's MD5 (`<check ctype="MD5">`), known only once the
 * photo has been read; the order of entries inside a ZIP means nothing to a receiver.
 *
 * `buildXml` gets the MD5 of every attachment by its path.
 */
export async function packTransferToFile(
  attachments: readonly OpenImmoAttachment[],
  xmlFileName: string,
  buildXml: (md5ByPath: ReadonlyMap<string, string>) => string,
  directory: string = tmpdir(),
): Promise<PackedTransfer> {
  const path = join(directory, `openimmo-${randomUUID()}.zip`);
  const dispose = () => rm(path, { force: true });
  const zip = new ZipFile();
  const md5ByPath = new Map<string, string>();
  let failure: Error | null = null;
  const fail = (err: unknown) => {
    failure ??= err instanceof Error ? err : new Error(String(err));
    // Ends the output stream with the error, so the pipeline below rejects instead of waiting.
    (zip.outputStream as Readable).destroy(failure);
  };
  const mtime = new Date();
  for (const attachment of attachments) {
    // JPEG/PNG are compressed already; deflating them again costs CPU and saves nothing.
    zip.addReadStreamLazy(attachment.path, { mtime, compress: false }, (callback) => {
      attachment.photo.read().then(
        (data) => {
          md5ByPath.set(attachment.path, createHash('md5').update(data).digest('hex'));
          callback(null, Readable.from([data]));
        },
        (err: unknown) => fail(err),
      );
    });
  }
  zip.addReadStreamLazy(xmlFileName, { mtime, compress: true }, (callback) => {
    try {
      callback(null, Readable.from([Buffer.from(buildXml(md5ByPath), 'utf8')]));
    } catch (err) {
      fail(err);
    }
  });
  zip.end();
  try {
    await pipeline(zip.outputStream, createWriteStream(path));
    if (failure) throw failure;
    const { size } = await stat(path);
    return { path, sizeBytes: size, dispose };
  } catch (err) {
    await dispose();
    throw failure ?? err;
  }
}
