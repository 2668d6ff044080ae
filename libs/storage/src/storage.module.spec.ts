import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEnv } from '@ppt/config';
import { LocalDiskStorage } from './local/local-disk-storage';
import { ObjectStorage } from './object-storage';
import { S3ObjectStorage } from './s3/s3-object-storage';
import { StorageEnv } from './storage-env';
import { createObjectStorage, StorageModule } from './storage.module';

describe('StorageModule', () => {
  let root: string;
  beforeAll(async () => (root = await mkdtemp(join(tmpdir(), 'ppt-storage-module-'))));
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('provides the local driver by default, also as LocalDiskStorage for the signed-URL route', async () => {
    const env = validateEnv(StorageEnv, { STORAGE_SIGNING_SECRET: 'k'.repeat(32), STORAGE_LOCAL_ROOT: root });
    const app = await Test.createTestingModule({ imports: [StorageModule.forRoot(env)] }).compile();

    const storage = app.get(ObjectStorage);
    expect(storage).toBeInstanceOf(LocalDiskStorage);
    expect(app.get(LocalDiskStorage)).toBe(storage);
    expect(app.get(StorageEnv).STORAGE_PRESIGN_TTL_SECONDS).toBe(900);
    await storage.put('hello.txt', Buffer.from('hi'), { contentType: 'text/plain' });
    expect(await storage.head('hello.txt')).toMatchObject({ size: 2 });
    await app.close();
  });

  it('refuses the local driver without a signing secret', () => {
    const env = validateEnv(StorageEnv, { STORAGE_LOCAL_ROOT: root });
    expect(() => createObjectStorage(env)).toThrow(/STORAGE_SIGNING_SECRET is required/);
  });

  it('provides the S3 driver when STORAGE_DRIVER=s3, and releases it on close', async () => {
    const env = validateEnv(StorageEnv, {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'ppt-documents',
      S3_ENDPOINT: 'http://127.0.0.1:9',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    });
    const app = await Test.createTestingModule({ imports: [StorageModule.forRoot(env)] }).compile();

    const storage = app.get(ObjectStorage);
    expect(storage).toBeInstanceOf(S3ObjectStorage);
    expect(() => app.get(LocalDiskStorage)).toThrow();
    const url = new URL(await storage.presignGet('org/o/documents/d/a.pdf', { expiresInSeconds: 60 }));
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:9/ppt-documents/org/o/documents/d/a.pdf');
    await app.close();
  });
});
