import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describeObjectStorageContract } from '../../test/object-storage.contract';
import { startSignedUrlServer, type SignedUrlServer } from '../../test/signed-url-server';
import { InvalidObjectKeyError, InvalidSignedUrlError, InvalidUploadError } from '../storage-errors';
import { LocalDiskStorage } from './local-disk-storage';

const SECRET = 'local-signing-secret-for-tests-0123456789';

async function startLocalStorage(): Promise<{
  root: string;
  server: SignedUrlServer;
  storage: LocalDiskStorage;
}> {
  const root = await mkdtemp(join(tmpdir(), 'ppt-storage-'));
  // The server needs the driver per request, the driver needs the server's URL up front.
  const server = await startSignedUrlServer(() => storage);
  const storage = new LocalDiskStorage({
    rootDir: join(root, 'store'),
    publicBaseUrl: server.baseUrl,
    signingSecret: SECRET,
  });
  return { root, server, storage };
}

describeObjectStorageContract('local disk driver', async () => {
  const { root, server, storage } = await startLocalStorage();
  return {
    storage,
    close: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
});

describe('LocalDiskStorage', () => {
  let root: string;
  let server: SignedUrlServer;
  let storage: LocalDiskStorage;
  let key: string;

  beforeAll(async () => ({ root, server, storage } = await startLocalStorage()));
  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    key = `org/${randomUUID()}/documents/${randomUUID()}/report.pdf`;
  });

  const pathOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice('/files/'.length));

  describe('signed URLs', () => {
    it('have the form <base>/<key>?expires=<unix>&signature=<hex>', async () => {
      const now = Math.floor(Date.now() / 1000);
      const url = new URL(await storage.presignGet(key, { expiresInSeconds: 120 }));

      expect(`${url.origin}${url.pathname}`).toBe(`${server.baseUrl}/${key}`);
      expect([...url.searchParams.keys()]).toEqual(['expires', 'signature']);
      expect(Number(url.searchParams.get('expires'))).toBeGreaterThanOrEqual(now + 120);
      expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
      expect(storage.verifySignedUrl('GET', key, url.searchParams)).toMatchObject({ method: 'GET', key });
    });

    it('reject a tampered signature, key, expiry or file name', async () => {
      const url = new URL(await storage.presignGet(key, { expiresInSeconds: 60, fileName: 'a.pdf' }));
      const tamper = (name: string, value: string) => {
        const query = new URLSearchParams(url.searchParams);
        query.set(name, value);
        return query;
      };
      const signature = url.searchParams.get('signature') as string;
      const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);

      for (const [checkedKey, query] of [
        [key, tamper('signature', flipped)],
        [key.replace('report', 'other'), url.searchParams],
        [key, tamper('expires', String(Number(url.searchParams.get('expires')) + 3600))],
        [key, tamper('filename', 'b.exe')],
      ] as const) {
        expect(() => storage.verifySignedUrl('GET', checkedKey, query)).toThrow(
          expect.objectContaining({ reason: 'bad-signature' }),
        );
      }
      expect(() => storage.verifySignedUrl('GET', key, tamper('signature', 'zz'))).toThrow(
        expect.objectContaining({ reason: 'malformed' }),
      );

      const response = await fetch(`${server.baseUrl}/${key}?${tamper('signature', flipped)}`);
      expect(response.status).toBe(403);
    });

    it('reject an expired URL', async () => {
      await storage.put(key, Buffer.from('old'), { contentType: 'application/pdf' });
      const url = await storage.presignGet(key, { expiresInSeconds: 60 });
      const query = new URL(url).searchParams;
      const at = (offsetMs: number) =>
        new LocalDiskStorage({
          rootDir: join(root, 'store'),
          publicBaseUrl: server.baseUrl,
          signingSecret: SECRET,
          nowMs: () => Date.now() + offsetMs,
        });

      expect(at(59_000).verifySignedUrl('GET', key, query)).toMatchObject({ key });
      expect(() => at(61_000).verifySignedUrl('GET', key, query)).toThrow(InvalidSignedUrlError);
      expect(() => at(61_000).verifySignedUrl('GET', key, query)).toThrow(
        expect.objectContaining({ reason: 'expired' }),
      );

      const expired = await storage.presignGet(key, { expiresInSeconds: 1 });
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await fetch(expired)).status).toBe(403);
    });

    it('bind the method: a GET URL cannot upload and a PUT URL cannot download', async () => {
      await storage.put(key, Buffer.from('original'), { contentType: 'application/pdf' });
      const getUrl = await storage.presignGet(key, { expiresInSeconds: 60 });
      const put = await storage.presignPut(key, { expiresInSeconds: 60, contentType: 'application/pdf' });

      expect(() =>
        storage.verifySignedUrl('PUT', key, new URL(getUrl).searchParams, { contentType: 'application/pdf' }),
      ).toThrow(expect.objectContaining({ reason: 'bad-signature' }));
      expect(() => storage.verifySignedUrl('GET', key, new URL(put.url).searchParams)).toThrow(
        expect.objectContaining({ reason: 'bad-signature' }),
      );
      expect(storage.verifySignedUrl('HEAD', key, new URL(getUrl).searchParams).method).toBe('GET');

      const upload = await fetch(getUrl, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/pdf' },
        body: 'replaced',
      });
      expect(upload.status).toBe(403);
      expect((await fetch(put.url)).status).toBe(403);
      expect(await readFile(join(root, 'store', 'objects', key), 'utf8')).toBe('original');
    });

    it('bind the content type and length of a PUT', async () => {
      const { url, headers } = await storage.presignPut(key, {
        expiresInSeconds: 60,
        contentType: 'application/pdf',
        contentLength: 5,
      });
      const query = new URL(url).searchParams;

      expect(
        storage.verifySignedUrl('PUT', pathOf(url), query, {
          contentType: 'application/pdf',
          contentLength: 5,
        }).method,
      ).toBe('PUT');
      expect(() =>
        storage.verifySignedUrl('PUT', key, query, { contentType: 'text/html', contentLength: 5 }),
      ).toThrow(InvalidSignedUrlError);
      expect(() =>
        storage.verifySignedUrl('PUT', key, query, { contentType: 'application/pdf', contentLength: 6 }),
      ).toThrow(InvalidSignedUrlError);
      expect(() => storage.verifySignedUrl('PUT', key, query, { contentType: 'application/pdf' })).toThrow(
        InvalidSignedUrlError,
      );

      expect(
        (
          await fetch(url, {
            method: 'PUT',
            headers: { ...headers, 'Content-Type': 'text/html' },
            body: 'hello',
          })
        ).status,
      ).toBe(403);
      expect(await storage.head(key)).toBeNull();
    });

    it('are not accepted when signed with another secret', async () => {
      const other = new LocalDiskStorage({
        rootDir: join(root, 'store'),
        publicBaseUrl: server.baseUrl,
        signingSecret: 'x'.repeat(40),
      });
      const url = await other.presignGet(key, { expiresInSeconds: 60 });
      expect(() => storage.verifySignedUrl('GET', key, new URL(url).searchParams)).toThrow(
        expect.objectContaining({ reason: 'bad-signature' }),
      );
    });
  });

  describe('keys', () => {
    it('never reach outside the root, and a rejected key writes nothing', async () => {
      const outside = join(root, 'escaped.txt');
      for (const bad of [
        '../escaped.txt',
        '../../escaped.txt',
        'objects/../../escaped.txt',
        `${root}/escaped.txt`,
        'x\0/../../escaped.txt',
      ]) {
        await expect(
          storage.put(bad, Buffer.from('x'), { contentType: 'text/plain' }),
        ).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(storage.createMultipart(bad, 'text/plain')).rejects.toBeInstanceOf(
          InvalidObjectKeyError,
        );
        await expect(storage.delete(bad)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      }
      expect(existsSync(outside)).toBe(false);
      expect(() =>
        storage.verifySignedUrl('GET', '../escaped.txt', {
          expires: '9999999999',
          signature: 'a'.repeat(64),
        }),
      ).toThrow(expect.objectContaining({ reason: 'malformed' }));
    });

    it('treat a forged upload id as unknown instead of a path', async () => {
      await expect(storage.putPart(key, '../../objects', 1, Buffer.from('x'), 1)).rejects.toMatchObject({
        code: 'UPLOAD_NOT_FOUND',
      });
    });

    it('cannot be both an object and the folder of another object', async () => {
      await storage.put(`${key}/inner`, Buffer.from('x'), { contentType: 'text/plain' });
      await expect(storage.put(key, Buffer.from('y'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(
        InvalidObjectKeyError,
      );
      await storage.delete(key); // names only a folder: nothing to delete, as on S3
      expect(await storage.head(`${key}/inner`)).toMatchObject({ size: 1 });
      expect(await storage.head(key)).toBeNull();
    });
  });

  describe('atomic writes', () => {
    it('publish nothing when the source stream fails midway, and leave no temp file', async () => {
      await storage.put(key, Buffer.from('version 1'), { contentType: 'application/pdf' });
      const failing = Readable.from(
        (async function* () {
          yield Buffer.alloc(1024 * 1024, 1);
          throw new Error('client went away');
        })(),
      );

      await expect(storage.put(key, failing, { contentType: 'application/pdf' })).rejects.toThrow(
        'client went away',
      );

      expect(await readFile(join(root, 'store', 'objects', key), 'utf8')).toBe('version 1');
      expect(await readdir(join(root, 'store', 'tmp'))).toEqual([]);
    });

    it('keep serving a stream opened before the object was replaced', async () => {
      await storage.put(key, Buffer.alloc(256 * 1024, 'a'), { contentType: 'application/pdf' });
      const reading = await storage.getStream(key);
      await storage.put(key, Buffer.alloc(10, 'b'), { contentType: 'application/pdf' });

      const chunks: Buffer[] = [];
      for await (const chunk of reading) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks)).toEqual(Buffer.alloc(256 * 1024, 'a'));
    });

    it('remove the folders a deleted object leaves empty', async () => {
      await storage.put(key, Buffer.from('x'), { contentType: 'application/pdf' });
      await storage.delete(key);
      expect(existsSync(join(root, 'store', 'objects', key.split('/').slice(0, 2).join('/')))).toBe(false);
      expect(existsSync(join(root, 'store', 'objects'))).toBe(true);
    });
  });

  describe('multipart', () => {
    it('refuses a part list with a wrong etag or a small middle part, and keeps the upload', async () => {
      const uploadId = await storage.createMultipart(key, 'application/pdf');
      const etag1 = await storage.putPart(key, uploadId, 1, Buffer.from('small'), 5);
      const etag2 = await storage.putPart(key, uploadId, 2, Buffer.from('tail'), 4);

      await expect(
        storage.completeMultipart(key, uploadId, [{ partNumber: 1, etag: etag2 }]),
      ).rejects.toBeInstanceOf(InvalidUploadError);
      await expect(
        storage.completeMultipart(key, uploadId, [
          { partNumber: 1, etag: etag1 },
          { partNumber: 2, etag: etag2 },
        ]),
      ).rejects.toThrow(/smaller than 5 MiB/);
      await expect(storage.putPart(key, uploadId, 1, Buffer.from('12345'), 4)).rejects.toBeInstanceOf(
        InvalidUploadError,
      );

      await storage.completeMultipart(key, uploadId, [{ partNumber: 2, etag: etag2 }]);
      expect(await readFile(join(root, 'store', 'objects', key), 'utf8')).toBe('tail');
    });

    it('refuses an upload id used with another key', async () => {
      const uploadId = await storage.createMultipart(key, 'application/pdf');
      await expect(storage.putPart(`${key}.other`, uploadId, 1, Buffer.from('x'), 1)).rejects.toMatchObject({
        code: 'UPLOAD_NOT_FOUND',
      });
    });
  });
});
