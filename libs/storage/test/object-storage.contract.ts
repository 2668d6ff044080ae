import { generatedStream, readAll, sha256Of } from '@ppt/testing';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  InvalidObjectKeyError,
  InvalidUploadError,
  MIN_PART_SIZE_BYTES,
  ObjectExistsError,
  ObjectNotFoundError,
  UploadNotFoundError,
  type ObjectStorage,
} from '../src';

export interface StorageUnderTest {
  storage: ObjectStorage;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

/**
 * The behaviour every ObjectStorage driver must share, run against each driver with real I/O
 * (local disk; s3rver on loopback). Each test works under a key prefix of its own.
 */
export function describeObjectStorageContract(
  driverName: string,
  setUp: () => Promise<StorageUnderTest>,
): void {
  describe(`ObjectStorage contract: ${driverName}`, () => {
    let subject: StorageUnderTest;
    let storage: ObjectStorage;
    let prefix: string;

    beforeAll(async () => {
      subject = await setUp();
      storage = subject.storage;
    });
    afterAll(() => subject?.close());
    beforeEach(() => {
      prefix = `org/${randomUUID()}/documents/${randomUUID()}`;
    });

    it('puts, reads, heads and deletes an object', async () => {
      const key = `${prefix}/lease.pdf`;
      const body = Buffer.from('%PDF-1.7 lease agreement');
      await storage.put(key, body, { contentType: 'application/pdf', contentLength: body.length });

      const info = await storage.head(key);
      expect(info).toEqual({
        size: body.length,
        contentType: 'application/pdf',
        etag: expect.stringMatching(/^[^"]+$/),
      });
      expect(await readAll(await storage.getStream(key))).toEqual(body);

      await storage.delete(key);
      expect(await storage.head(key)).toBeNull();
      await expect(storage.getStream(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('replaces an object on a second put, with a new etag', async () => {
      const key = `${prefix}/notes.txt`;
      await storage.put(key, Buffer.from('first'), { contentType: 'text/plain' });
      const first = await storage.head(key);
      await storage.put(key, Readable.from([Buffer.from('second version')]), {
        contentType: 'text/markdown',
      });

      const second = await storage.head(key);
      expect(second).toMatchObject({ size: 14, contentType: 'text/markdown' });
      expect(second?.etag).not.toBe(first?.etag);
      expect((await readAll(await storage.getStream(key))).toString()).toBe('second version');
    });

    it('streams a 12 MB body through put (multipart-sized) and reads back the same bytes', async () => {
      const key = `${prefix}/scan.tiff`;
      const size = 12 * MiB + 123;
      const expected = await sha256Of(generatedStream(size));

      await storage.put(key, generatedStream(size), { contentType: 'image/tiff' });

      expect(await storage.head(key)).toMatchObject({ size, contentType: 'image/tiff' });
      expect(await sha256Of(await storage.getStream(key))).toBe(expected);
    });

    it('rejects a body whose length differs from contentLength and stores nothing', async () => {
      const key = `${prefix}/short.bin`;
      await expect(
        storage.put(key, Readable.from([Buffer.alloc(10)]), {
          contentType: 'application/octet-stream',
          contentLength: 11,
        }),
      ).rejects.toBeInstanceOf(InvalidUploadError);
      await expect(
        storage.put(key, Buffer.alloc(12), { contentType: 'application/octet-stream', contentLength: 11 }),
      ).rejects.toBeInstanceOf(InvalidUploadError);
      expect(await storage.head(key)).toBeNull();
    });

    it('reports a missing key as null from head and ObjectNotFoundError from getStream; delete is idempotent', async () => {
      const key = `${prefix}/missing.pdf`;
      expect(await storage.head(key)).toBeNull();
      await expect(storage.getStream(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(storage.getStream(key)).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND', key });
      await expect(storage.delete(key)).resolves.toBeUndefined();
    });

    it('serves a presigned GET URL to fetch, with the download name', async () => {
      const key = `${prefix}/smlouva.pdf`;
      await storage.put(key, Buffer.from('signed lease'), { contentType: 'application/pdf' });

      const url = await storage.presignGet(key, { expiresInSeconds: 60, fileName: 'Nájemní smlouva.pdf' });
      const response = await fetch(url);

      expect(response.status).toBe(200);
      expect(await response.text()).toBe('signed lease');
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const disposition = response.headers.get('content-disposition') ?? '';
      expect(disposition).toContain('attachment; filename="Najemni-smlouva.pdf"');
      expect(disposition).toContain("filename*=UTF-8''N%C3%A1jemn%C3%AD%20smlouva.pdf");
    });

    it('answers a presigned GET with the content type it names, whatever was stored', async () => {
      const key = `${prefix}/upload.bin`;
      await storage.put(key, Buffer.from('%PDF-1.7'), { contentType: 'application/octet-stream' });

      const url = await storage.presignGet(key, { expiresInSeconds: 60, contentType: 'application/pdf' });
      const response = await fetch(url);

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(await response.text()).toBe('%PDF-1.7');
    });

    it('accepts an upload to a presigned PUT URL with the returned headers', async () => {
      const key = `${prefix}/photo.jpg`;
      const body = Buffer.from('jpeg bytes from the browser');
      const { url, headers } = await storage.presignPut(key, {
        expiresInSeconds: 60,
        contentType: 'image/jpeg',
        contentLength: body.length,
      });
      expect(headers).toEqual({ 'Content-Type': 'image/jpeg', 'Content-Length': String(body.length) });

      const response = await fetch(url, { method: 'PUT', headers, body });

      expect(response.status).toBe(200);
      expect(await storage.head(key)).toMatchObject({ size: body.length, contentType: 'image/jpeg' });
      expect(await readAll(await storage.getStream(key))).toEqual(body);
    });

    it('joins multipart parts in part-number order on complete', async () => {
      const key = `${prefix}/archive.zip`;
      const parts = [
        Buffer.alloc(MIN_PART_SIZE_BYTES, 'a'),
        Buffer.alloc(MIN_PART_SIZE_BYTES, 'b'),
        Buffer.from('tail'),
      ];
      const uploadId = await storage.createMultipart(key, 'application/zip');

      // Parts may arrive in any order (resumable uploads retry); the second one as a stream.
      const etag3 = await storage.putPart(key, uploadId, 3, parts[2], parts[2].length);
      const etag1 = await storage.putPart(key, uploadId, 1, parts[0], parts[0].length);
      const etag2 = await storage.putPart(key, uploadId, 2, Readable.from([parts[1]]), parts[1].length);
      expect(await storage.head(key)).toBeNull(); // nothing visible before complete

      await storage.completeMultipart(key, uploadId, [
        { partNumber: 1, etag: etag1 },
        { partNumber: 2, etag: etag2 },
        { partNumber: 3, etag: etag3 },
      ]);

      const expected = Buffer.concat(parts);
      expect(await storage.head(key)).toMatchObject({
        size: expected.length,
        contentType: 'application/zip',
      });
      expect(await sha256Of(await storage.getStream(key))).toBe(
        createHash('sha256').update(expected).digest('hex'),
      );
      await expect(
        storage.completeMultipart(key, uploadId, [{ partNumber: 1, etag: etag1 }]),
      ).rejects.toBeInstanceOf(UploadNotFoundError);
    });

    it('never overwrites an object on a create-only put, copy or multipart complete', async () => {
      const key = `${prefix}/signed-contract.pdf`;
      const original = Buffer.from('%PDF-1.4 signed original');
      await storage.put(key, original, { contentType: 'application/pdf', ifAbsent: true });
      const before = await storage.head(key);

      await expect(
        storage.put(key, Buffer.from('forged'), { contentType: 'application/pdf', ifAbsent: true }),
      ).rejects.toBeInstanceOf(ObjectExistsError);
      await expect(
        storage.put(key, Readable.from([Buffer.alloc(MIN_PART_SIZE_BYTES + 10, 'f')]), {
          contentType: 'application/pdf',
          ifAbsent: true,
        }),
      ).rejects.toBeInstanceOf(ObjectExistsError);
      const other = `${prefix}/other.pdf`;
      await storage.put(other, Buffer.from('other bytes'), { contentType: 'application/pdf' });
      await expect(
        storage.copy(other, key, { contentType: 'application/pdf', ifAbsent: true }),
      ).rejects.toBeInstanceOf(ObjectExistsError);
      const uploadId = await storage.createMultipart(key, 'application/pdf');
      const etag = await storage.putPart(key, uploadId, 1, Buffer.from('forged part'), 11);
      await expect(
        storage.completeMultipart(key, uploadId, [{ partNumber: 1, etag }], { ifAbsent: true }),
      ).rejects.toBeInstanceOf(ObjectExistsError);
      await storage.abortMultipart(key, uploadId);

      expect(await readAll(await storage.getStream(key))).toEqual(original);
      expect((await storage.head(key))?.etag).toBe(before?.etag);
    });

    it('copies an object inside the store with the content type given', async () => {
      const from = `${prefix}/staging/upload`;
      const to = `${prefix}/documents/final.png`;
      const body = Buffer.from('png bytes');
      await storage.put(from, body, { contentType: 'application/octet-stream' });
      await storage.copy(from, to, { contentType: 'image/png', ifAbsent: true });
      expect(await readAll(await storage.getStream(to))).toEqual(body);
      expect(await storage.head(to)).toMatchObject({ size: body.length, contentType: 'image/png' });
      await expect(
        storage.copy(`${prefix}/missing`, `${prefix}/x`, { contentType: 'image/png' }),
      ).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('discards an aborted multipart upload', async () => {
      const key = `${prefix}/abandoned.zip`;
      const uploadId = await storage.createMultipart(key, 'application/zip');
      const etag = await storage.putPart(key, uploadId, 1, Buffer.from('partial'), 7);

      await storage.abortMultipart(key, uploadId);

      await expect(
        storage.completeMultipart(key, uploadId, [{ partNumber: 1, etag }]),
      ).rejects.toBeInstanceOf(UploadNotFoundError);
      expect(await storage.head(key)).toBeNull();
      await expect(storage.abortMultipart(key, uploadId)).resolves.toBeUndefined();
    });

    it('rejects keys that could escape a folder or mean something else', async () => {
      for (const key of [
        '../outside.txt',
        'org/../../etc/passwd',
        '/etc/passwd',
        'a//b',
        'a/./b',
        'nul\0byte',
        'back\\slash',
        '',
      ]) {
        await expect(
          storage.put(key, Buffer.from('x'), { contentType: 'text/plain' }),
        ).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(storage.head(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(storage.presignGet(key, { expiresInSeconds: 60 })).rejects.toBeInstanceOf(
          InvalidObjectKeyError,
        );
      }
    });
  });
}
