import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver, { type S3rverMiddleware } from 's3rver';

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** s3rver's built-in credentials. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Every request so far as "METHOD /path?names,of,query,parameters", to check which S3 calls a driver made. */
  requests: string[];
  close(): Promise<void>;
}

/** A real S3-compatible server (s3rver) on a free loopback port, with one empty bucket. */
export async function startS3TestServer(bucket = 'documents'): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'ppt-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const requests: string[] = [];
  server.middleware.unshift(async (ctx, next) => {
    const parameters = Object.keys(ctx.query)
      .filter((name) => name !== 'x-id')
      .sort();
    requests.push(`${ctx.method} ${ctx.path}${parameters.length ? `?${parameters.join(',')}` : ''}`);
    await next();
  }, multipartUploadGaps);
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requests,
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver 3.7.1 has no AbortMultipartUpload and answers calls on an unknown upload id with a 500.
 * This fills both gaps the way S3 documents them (404 NoSuchUpload; DELETE removes the upload), in
 * s3rver's own upload folder, so the shared abort contract also runs against the S3 driver.
 */
const multipartUploadGaps: S3rverMiddleware = async (ctx, next) => {
  const uploadId = ctx.query.uploadId;
  const bucket = /^\/([^/]+)\/./.exec(ctx.path)?.[1];
  if (uploadId === undefined || !bucket) return next();
  const dir =
    typeof uploadId === 'string' && /^[0-9a-f]+$/.test(uploadId)
      ? join(ctx.store.getResourcePath(bucket, undefined, 'uploads'), uploadId)
      : undefined;
  if (!dir || !existsSync(join(dir, 'key'))) {
    ctx.status = 404;
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>`;
    return;
  }
  if (ctx.method === 'DELETE') {
    await rm(dir, { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  await next();
};
