// s3rver ships no types; the reference carries ours to every project that compiles this file.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./s3rver.d.ts" />
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3rverMiddleware } from 's3rver';

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** s3rver's built-in credentials. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Every request so far as "METHOD /path?names,of,query,parameters", to check which S3 calls a driver made. */
  requests: string[];
  /** Unfinished multipart uploads of the bucket (s3rver keeps one folder per upload). */
  openMultipartUploads(): Promise<string[]>;
  /**
   * Answers the next `times` requests whose "METHOD /path" starts with `prefix` with a 503 SlowDown
   * (S3's throttling answer), as a store under strain would: for tests of transient storage trouble.
   */
  failNext(prefix: string, times: number): void;
  close(): Promise<void>;
}

/**
 * A real S3-compatible server (s3rver) on a free loopback port, with one empty bucket. s3rver is loaded
 * here, not at import, so test files that never start one do not pay for it.
 */
export async function startS3Server(bucket = 'documents'): Promise<S3Server> {
  const { default: S3rver } = await import('s3rver');
  const directory = await mkdtemp(join(tmpdir(), 'ppt-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const requests: string[] = [];
  const failures: { prefix: string; left: number }[] = [];
  let uploadsDir: string | undefined;
  server.middleware.unshift(
    async (ctx, next) => {
      uploadsDir ??= ctx.store.getResourcePath(bucket, undefined, 'uploads');
      const parameters = Object.keys(ctx.query)
        .filter((name) => name !== 'x-id')
        .sort();
      requests.push(`${ctx.method} ${ctx.path}${parameters.length ? `?${parameters.join(',')}` : ''}`);
      const failure = failures.find((f) => f.left > 0 && `${ctx.method} ${ctx.path}`.startsWith(f.prefix));
      if (failure) {
        failure.left--;
        ctx.status = 503;
        ctx.type = 'application/xml';
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`;
        return;
      }
      await next();
    },
    multipartUploadGaps,
    conditionalWrites,
  );
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requests,
    failNext(prefix, times) {
      failures.push({ prefix, left: times });
    },
    async openMultipartUploads() {
      if (!uploadsDir || !existsSync(uploadsDir)) return [];
      const ids = await readdir(uploadsDir);
      return ids.filter((id) => existsSync(join(uploadsDir as string, id, 'key')));
    },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver 3.7.1 ignores `If-None-Match: *` on writes. S3 honours it on PutObject, CopyObject and
 * CompleteMultipartUpload: when an object exists at the key, nothing is written and the answer is
 * 412 PreconditionFailed (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
const conditionalWrites: S3rverMiddleware = async (ctx, next) => {
  const isWrite =
    (ctx.method === 'PUT' && ctx.query.partNumber === undefined) ||
    (ctx.method === 'POST' && ctx.query.uploadId !== undefined);
  const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
  if (!isWrite || ctx.headers['if-none-match'] !== '*' || !match) return next();
  const key = match[2].split('/').map(decodeURIComponent).join('/');
  if (await ctx.store.existsObject(match[1], key)) {
    ctx.status = 412;
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>`;
    return;
  }
  await next();
};

/**
 * s3rver 3.7.1 has no AbortMultipartUpload and answers calls on an unknown upload id with a 500.
 * This fills both gaps the way S3 documents them (404 NoSuchUpload; DELETE removes the upload), in
 * s3rver's own upload folder, so code that aborts uploads can run against it.
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
