import { generatedStream, readAll, samplePng, sha256Of, startS3Server, type S3Server } from '@ppt/testing';
import request from 'supertest';
import { bootDocumentsServer, uploadDocument, type DocumentsServer } from './documents-fixtures';
import { bearer, createOrganization, registerAndLogin } from './identity';

/** The documents API on the S3 driver, against a real S3-compatible server (s3rver) on loopback. */
describe('documents (S3 storage)', () => {
  let s3: S3Server;
  let ds: DocumentsServer;
  const http = () => ds.http();
  let org: { id: string; adminToken: string };
  const MiB = 1024 * 1024;

  beforeAll(async () => {
    s3 = await startS3Server();
    ds = await bootDocumentsServer({ s3, env: { STORAGE_PRESIGN_TTL_SECONDS: '120' } });
    org = await createOrganization(http(), await registerAndLogin(http(), 'doc-s3'), 'S3 Org');
  });
  afterAll(async () => {
    await ds?.close();
    await s3?.close();
  });

  it('streams a 12 MB upload to S3 as a multipart upload and serves it back byte-exact through a presigned URL', async () => {
    const size = 12 * MiB + 321;
    const pdf = Buffer.concat([
      Buffer.from('%PDF-1.7\n'),
      await readAll(generatedStream(size - 9, 'twelve')),
    ]);
    s3.requests.length = 0;
    const doc = (
      await uploadDocument(http(), org.adminToken, pdf, 'scan.pdf', { category: 'report' }).expect(201)
    ).body;
    expect(doc).toMatchObject({
      sizeBytes: size,
      contentType: 'application/pdf',
      sha256: await sha256Of(pdf),
    });
    const key = `/${s3.bucket}/org/${org.id}/documents/${doc.id}/scan.pdf`;
    expect(s3.requests).toEqual(expect.arrayContaining([`POST ${key}?uploads`, `POST ${key}?uploadId`]));
    expect(s3.requests.filter((r) => r.startsWith(`PUT ${key}?partNumber,uploadId`))).toHaveLength(3);

    const { url, expiresAt } = (
      await request(http())
        .get(`/api/v1/documents/${doc.id}/download`)
        .set(bearer(org.adminToken))
        .expect(200)
    ).body;
    const presigned = new URL(url);
    expect(presigned.origin).toBe(s3.endpoint);
    expect(presigned.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(presigned.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 100_000);
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(await sha256Of(Buffer.from(await file.arrayBuffer()))).toBe(doc.sha256);
  });

  it('takes a direct upload to a presigned S3 PUT and confirms it', async () => {
    const png = samplePng();
    const started = (
      await request(http())
        .post('/api/v1/documents/uploads')
        .set(bearer(org.adminToken))
        .send({ fileName: 'roof.png', sizeBytes: png.length, contentType: 'image/png', category: 'photo' })
        .expect(201)
    ).body;
    expect(new URL(started.upload.url).searchParams.get('X-Amz-SignedHeaders')).toBe(
      'content-length;content-type;host',
    );
    expect(
      (await fetch(started.upload.url, { method: 'PUT', headers: started.upload.headers, body: png })).status,
    ).toBe(200);
    const confirmed = await request(http())
      .post(`/api/v1/documents/uploads/${started.document.id}/confirm`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(confirmed.body).toMatchObject({
      status: 'active',
      contentType: 'image/png',
      sizeBytes: png.length,
    });
  });

  it('deletes a document softly and leaves the object to the background job', async () => {
    const doc = (
      await uploadDocument(http(), org.adminToken, Buffer.from('temporary'), 't.txt', {
        category: 'other',
      }).expect(201)
    ).body;
    await request(http()).delete(`/api/v1/documents/${doc.id}`).set(bearer(org.adminToken)).expect(204);
    await request(http()).get(`/api/v1/documents/${doc.id}/download`).set(bearer(org.adminToken)).expect(404);
  });
});
