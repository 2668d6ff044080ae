import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { attachmentDisposition, InvalidSignedUrlError, StorageError, type LocalDiskStorage } from '../src';

const PREFIX = '/files/';

export interface SignedUrlServer {
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Serves the local driver's signed URLs the way an app would: verify, then stream the object out
 * (GET/HEAD) or in (PUT). `storage()` is read per request because the driver needs the base URL first.
 */
export async function startSignedUrlServer(storage: () => LocalDiskStorage): Promise<SignedUrlServer> {
  const server = createServer((req, res) => {
    serve(storage(), req, res).catch((err) => {
      const status = err instanceof InvalidSignedUrlError ? 403 : err instanceof StorageError ? 400 : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(String(err.message));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${PREFIX.slice(0, -1)}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

async function serve(storage: LocalDiskStorage, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith(PREFIX)) {
    res.writeHead(404).end();
    return;
  }
  const key = url.pathname.slice(PREFIX.length).split('/').map(decodeURIComponent).join('/');
  const length = req.headers['content-length'];
  const grant = storage.verifySignedUrl(req.method ?? 'GET', key, url.searchParams, {
    contentType: req.headers['content-type'],
    contentLength: length === undefined ? undefined : Number(length),
  });
  if (grant.method === 'PUT') {
    await storage.put(key, req, {
      contentType: req.headers['content-type'] ?? 'application/octet-stream',
      contentLength: length === undefined ? undefined : Number(length),
    });
    res.writeHead(200).end();
    return;
  }
  const info = await storage.head(key);
  if (!info) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'content-type': grant.contentType ?? info.contentType,
    'content-length': info.size,
    etag: `"${info.etag}"`,
    ...(grant.fileName === undefined ? {} : { 'content-disposition': attachmentDisposition(grant.fileName) }),
  });
  if (req.method === 'HEAD') res.end();
  else await pipeline(await storage.getStream(key), res);
}
