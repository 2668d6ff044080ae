import { randomUUID } from 'node:crypto';
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
 * Writes a transfer ZIP (the XML first, then the photos) to a temporary file, one photo in memory
 * at a time: yazl asks for an entry's bytes only when the previous entry is written, so a VOLL
 * transfer of a thousand listings with twenty photos each costs one photo's memory, not the set.
 */
export async function packTransferToFile(
  xml: { fileName: string; contents: string },
  attachments: readonly OpenImmoAttachment[],
  directory: string = tmpdir(),
): Promise<PackedTransfer> {
  const path = join(directory, `openimmo-${randomUUID()}.zip`);
  const dispose = () => rm(path, { force: true });
  const zip = new ZipFile();
  let failure: Error | null = null;
  const fail = (err: unknown) => {
    failure ??= err instanceof Error ? err : new Error(String(err));
    // Ends the output stream with the error, so the pipeline below rejects instead of waiting.
    (zip.outputStream as Readable).destroy(failure);
  };
  const mtime = new Date();
  zip.addBuffer(Buffer.from(xml.contents, 'utf8'), xml.fileName, { mtime, compress: true });
  for (const attachment of attachments) {
    // JPEG/PNG are compressed already; deflating them again costs CPU and saves nothing.
    zip.addReadStreamLazy(attachment.path, { mtime, compress: false }, (callback) => {
      attachment.photo.read().then(
        (data) => callback(null, Readable.from([data])),
        (err: unknown) => fail(err),
      );
    });
  }
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
