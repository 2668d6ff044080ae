import { generatedStream, startS3Server, type S3Server } from '@ppt/testing';
import { describeObjectStorageContract } from '../../test/object-storage.contract';
import { S3ObjectStorage } from './s3-object-storage';

// s3rver does not verify SigV4 signatures, so signature and expiry failures are tested on the local
// driver; here the URL's signed parameters are checked instead.
async function startS3Storage(): Promise<{ server: S3Server; storage: S3ObjectStorage }> {
  const server = await startS3Server();
  const storage = new S3ObjectStorage({
    bucket: server.bucket,
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: server.credentials,
  });
  return { server, storage };
}

describeObjectStorageContract('S3 driver against s3rver', async () => {
  const { server, storage } = await startS3Storage();
  return {
    storage,
    close: async () => {
      storage.onModuleDestroy();
      await server.close();
    },
  };
});

describe('S3ObjectStorage', () => {
  let server: S3Server;
  let storage: S3ObjectStorage;

  beforeAll(async () => ({ server, storage } = await startS3Storage()));
  afterAll(async () => {
    storage?.onModuleDestroy();
    await server?.close();
  });

  it('sends a streamed body larger than one part as a multipart upload, and a small one in one request', async () => {
    server.requests.length = 0;
    await storage.put('org/o1/documents/d1/big.bin', generatedStream(11 * 1024 * 1024), {
      contentType: 'application/octet-stream',
    });
    expect(server.requests.filter((line) => !line.startsWith('HEAD'))).toEqual([
      'POST /documents/org/o1/documents/d1/big.bin?uploads',
      ...['partNumber,uploadId', 'partNumber,uploadId', 'partNumber,uploadId'].map(
        (q) => `PUT /documents/org/o1/documents/d1/big.bin?${q}`,
      ),
      'POST /documents/org/o1/documents/d1/big.bin?uploadId',
    ]);

    server.requests.length = 0;
    await storage.put('org/o1/documents/d1/small.txt', generatedStream(1000), { contentType: 'text/plain' });
    expect(server.requests.filter((line) => !line.startsWith('HEAD'))).toEqual([
      'PUT /documents/org/o1/documents/d1/small.txt',
    ]);
  });

  it('signs the content type and length into presigned PUT URLs, and the lifetime into both kinds', async () => {
    const put = new URL(
      (
        await storage.presignPut('org/o1/documents/d1/a.pdf', {
          expiresInSeconds: 300,
          contentType: 'application/pdf',
          contentLength: 42,
        })
      ).url,
    );
    expect(put.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(put.searchParams.get('X-Amz-Expires')).toBe('300');
    expect([...put.searchParams.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);

    const get = new URL(await storage.presignGet('org/o1/documents/d1/a.pdf', { expiresInSeconds: 60 }));
    expect(get.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(get.pathname).toBe(`/${server.bucket}/org/o1/documents/d1/a.pdf`);
  });
});
