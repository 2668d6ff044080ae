import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** `size` deterministic pseudo-random bytes, produced lazily in 64 KiB chunks (never held whole). */
export function generatedStream(size: number, seed = 'ppt'): Readable {
  let produced = 0;
  let block = createHash('sha256').update(seed).digest();
  return new Readable({
    read() {
      if (produced >= size) return void this.push(null);
      const chunk = Buffer.alloc(Math.min(64 * 1024, size - produced));
      for (let offset = 0; offset < chunk.length; offset += block.length) {
        block = createHash('sha256').update(block).digest();
        block.copy(chunk, offset);
      }
      produced += chunk.length;
      this.push(chunk);
    },
  });
}

export async function sha256Of(source: AsyncIterable<unknown> | Buffer): Promise<string> {
  const hash = createHash('sha256');
  if (Buffer.isBuffer(source)) return hash.update(source).digest('hex');
  for await (const chunk of source) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
