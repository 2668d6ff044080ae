import type { INestApplication } from '@nestjs/common';
import { closedPort, type S3Server } from '@ppt/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bootApiServer, type BootedApiServer, createTestWorker } from './boot';
import { bearer } from './identity';

export interface DocumentsServer {
  server: BootedApiServer;
  http(): Server;
  /** http://127.0.0.1:<port>, where presigned local URLs point. */
  baseUrl: string;
  storageRoot: string;
  worker?: INestApplication;
  close(): Promise<void>;
}

/**
 * api-server listening on a real loopback port (presigned URLs must be fetchable), storing documents
 * with the local driver under a temporary folder or in s3rver; `worker: true` also runs its worker
 * (text extraction, object removal, clean-up) on the same database and Redis prefix.
 */
export async function bootDocumentsServer(
  options: { s3?: S3Server; worker?: boolean; env?: Record<string, string> } = {},
): Promise<DocumentsServer> {
  const port = await closedPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const storageRoot = await mkdtemp(join(tmpdir(), 'ppt-documents-'));
  const storageEnv: Record<string, string> = options.s3
    ? {
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: options.s3.endpoint,
        S3_BUCKET: options.s3.bucket,
        S3_FORCE_PATH_STYLE: 'true',
        S3_ACCESS_KEY_ID: options.s3.credentials.accessKeyId,
        S3_SECRET_ACCESS_KEY: options.s3.credentials.secretAccessKey,
      }
    : {
        STORAGE_DRIVER: 'local',
        STORAGE_LOCAL_ROOT: storageRoot,
        STORAGE_PUBLIC_BASE_URL: `${baseUrl}/api/v1/storage`,
      };
  const server = await bootApiServer({ ...storageEnv, ...options.env });
  await server.app.listen(port, '127.0.0.1');
  let worker: INestApplication | undefined;
  if (options.worker) {
    worker = await createTestWorker(server);
    await worker.init();
  }
  return {
    server,
    http: () => server.app.getHttpServer(),
    baseUrl,
    storageRoot,
    worker,
    async close() {
      await worker?.close();
      await server.close();
      await rm(storageRoot, { recursive: true, force: true });
    },
  };
}

export interface Place {
  buildingId: string;
  unitIds: string[];
}

export async function createBuilding(http: Server, token: string, units: string[] = ['1']): Promise<Place> {
  const buildingId = (
    await request(http)
      .post('/api/v1/buildings')
      .set(bearer(token))
      .send({
        name: 'Doc house',
        addressLine: 'Korunní 8',
        city: 'Praha',
        postalCode: '120 00',
        country: 'CZ',
      })
      .expect(201)
  ).body.id as string;
  const unitIds: string[] = [];
  for (const number of units) {
    unitIds.push(
      (await request(http).post('/api/v1/units').set(bearer(token)).send({ buildingId, number }).expect(201))
        .body.id as string,
    );
  }
  return { buildingId, unitIds };
}

/** POST /documents as multipart/form-data; the fields go first, the file last. */
export function uploadDocument(
  http: Server,
  token: string,
  file: Buffer,
  fileName: string,
  fields: Record<string, string> = { category: 'contract' },
) {
  const req = request(http).post('/api/v1/documents').set(bearer(token));
  for (const [name, value] of Object.entries(fields)) req.field(name, value);
  return req.attach('file', file, fileName);
}
