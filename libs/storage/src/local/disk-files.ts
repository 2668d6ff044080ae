import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidObjectKeyError } from '../storage-errors';
import { ContentMeter } from '../upload-rules';

export interface StagedFile {
  path: string;
  size: number;
  /** MD5 of the content, hex, as S3 reports for single-part objects. */
  md5: string;
}

type Source = Readable | (() => AsyncIterable<Buffer>);

/** Resolves `key` under `dir`, refusing anything that would land outside it (defence in depth). */
export function pathUnder(dir: string, key: string): string {
  const path = resolve(dir, key);
  if (!path.startsWith(dir + sep)) throw new InvalidObjectKeyError('resolves outside the storage root');
  return path;
}

/**
 * Writes a stream to a fresh file in `tmpDir`, so a later rename publishes complete, durable content.
 * The temp file is removed when anything fails (length mismatch, source error).
 */
export async function stageFile(
  tmpDir: string,
  source: Source,
  expectedLength?: number,
): Promise<StagedFile> {
  await mkdir(tmpDir, { recursive: true });
  const path = join(tmpDir, randomUUID());
  const meter = new ContentMeter(expectedLength, 'md5');
  try {
    // flush: fsync before close, so the rename that follows never publishes an empty file after a crash.
    await pipeline(source, meter, createWriteStream(path, { flags: 'wx', flush: true }));
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  return { path, size: meter.bytes, md5: meter.digest() };
}

/** Moves a staged file into place, creating parent folders (retrying if a delete pruned them meanwhile). */
export async function publishFile(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(dirname(to), { recursive: true });
      await rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && attempt < 3) continue;
      // A key cannot be both an object and the folder of other objects on a file system.
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new InvalidObjectKeyError('collides with the folder of another key');
      }
      throw err;
    }
  }
}

/** Removes now-empty folders from `dir` up to (not including) `stopAt`, so deleted documents leave no trail. */
export async function pruneEmptyFolders(dir: string, stopAt: string): Promise<void> {
  for (let current = dir; current.startsWith(stopAt + sep); current = dirname(current)) {
    try {
      await rmdir(current);
    } catch (err) {
      // Not empty (another object, or a put in progress): the folders above are not empty either.
      if (!isNotFound(err)) return;
    }
  }
}

export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
