import { eventually, sampleDocx, samplePdf, samplePng, sha256Of, zipArchive } from '@ppt/testing';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import {
  bootDocumentsServer,
  createBuilding,
  uploadDocument,
  type DocumentsServer,
} from './documents-fixtures';
import { asOwner, bearer, createOrganization, registerAndLogin } from './identity';
import { DocumentStorageCleanup } from '@ppt/api-documents-core';

/** The documents API on the local storage driver: uploads, downloads, signed URLs, rules, jobs. */
describe('documents (local storage)', () => {
  let ds: DocumentsServer;
  const http = () => ds.http();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  const MAX = 256 * 1024;

  beforeAll(async () => {
    ds = await bootDocumentsServer({
      worker: true,
      env: { DOCUMENT_MAX_BYTES: String(MAX), STORAGE_PRESIGN_TTL_SECONDS: '3' },
    });
    org = await createOrganization(http(), await registerAndLogin(http(), 'doc-admin'), 'Documents Org');
    other = await createOrganization(http(), await registerAndLogin(http(), 'doc-other'), 'Other Org');
  });
  afterAll(() => ds.close());

  const objectFiles = async (): Promise<string[]> => {
    const dir = join(ds.storageRoot, 'objects');
    if (!existsSync(dir)) return [];
    return (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  };

  it('stores an upload and gives it back byte for byte through a presigned URL (JSON or 302)', async () => {
    const pdf = samplePdf('Lease agreement for flat 12');
    const res = await uploadDocument(http(), org.adminToken, pdf, 'Nájemní smlouva.pdf', {
      title: 'Lease 12',
      category: 'contract',
    }).expect(201);
    expect(res.body).toMatchObject({
      title: 'Lease 12',
      category: 'contract',
      visibility: 'managers',
      status: 'active',
      fileName: 'Nájemní smlouva.pdf',
      contentType: 'application/pdf',
      sizeBytes: pdf.length,
      sha256: await sha256Of(pdf),
      signed: false,
    });

    const link = await request(http())
      .get(`/api/v1/documents/${res.body.id}/download`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(link.body).toEqual({
      url: expect.stringMatching(`^${ds.baseUrl}/api/v1/storage/org/${org.id}/documents/${res.body.id}/`),
      expiresAt: expect.any(String),
    });
    const file = await fetch(link.body.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''N%C3%A1jemn%C3%AD%20smlouva.pdf",
    );
    expect(Buffer.from(await file.arrayBuffer())).toEqual(pdf);

    const redirect = await request(http())
      .get(`/api/v1/documents/${res.body.id}/download?redirect=true`)
      .set(bearer(org.adminToken))
      .expect(302);
    expect((await fetch(redirect.headers.location)).status).toBe(200);
  });

  it('lets a presigned URL expire, and refuses a tampered one with 403', async () => {
    const doc = (
      await uploadDocument(http(), org.adminToken, Buffer.from('Minutes of the meeting'), 'minutes.txt', {
        category: 'minutes',
      }).expect(201)
    ).body;
    const { url } = (
      await request(http())
        .get(`/api/v1/documents/${doc.id}/download`)
        .set(bearer(org.adminToken))
        .expect(200)
    ).body;
    expect(await (await fetch(url)).text()).toBe('Minutes of the meeting');

    const tampered = new URL(url);
    const signature = tampered.searchParams.get('signature') as string;
    tampered.searchParams.set('signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1));
    const rejected = await fetch(tampered);
    expect(rejected.status).toBe(403);
    expect(await rejected.json()).toMatchObject({ error: { code: 'SIGNED_URL_REJECTED' } });
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace('minutes.txt', 'secret.txt');
    expect((await fetch(otherKey)).status).toBe(403);
    expect(
      (await fetch(url, { method: 'PUT', body: 'overwritten', headers: { 'Content-Type': 'text/plain' } }))
        .status,
    ).toBe(403);

    await new Promise((resolve) => setTimeout(resolve, 4200)); // STORAGE_PRESIGN_TTL_SECONDS=3
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({
      error: { code: 'SIGNED_URL_REJECTED', message: expect.stringContaining('expired') },
    });
  });

  it('refuses files whose bytes are not an allowed type with 415, storing nothing', async () => {
    const before = await objectFiles();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2000)]);
    const res = await uploadDocument(http(), org.adminToken, exe, 'invoice.pdf').expect(415);
    expect(res.body).toEqual({
      error: {
        code: 'UNSUPPORTED_DOCUMENT_TYPE',
        message: expect.any(String),
        requestId: expect.any(String),
      },
    });
    await uploadDocument(
      http(),
      org.adminToken,
      zipArchive({ 'payload.js': 'alert(1)' }),
      'report.docx',
    ).expect(415);
    // Text that turns binary after the sniffed head: found while streaming, the partial object removed.
    const binaryTail = Buffer.concat([Buffer.alloc(100 * 1024, 'a'), Buffer.from([0, 1, 2])]);
    await uploadDocument(http(), org.adminToken, binaryTail, 'notes.txt', { category: 'other' }).expect(415);
    await uploadDocument(http(), org.adminToken, samplePdf('not an image'), 'photo.jpg', {
      category: 'photo',
    }).expect(415);
    expect(await objectFiles()).toEqual(before);
  });

  it('refuses a file over DOCUMENT_MAX_BYTES with 413 in the error envelope, keeping no partial object', async () => {
    const before = await objectFiles();
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(MAX + 1024, 'x')]);
    const res = await uploadDocument(http(), org.adminToken, big, 'big.pdf').expect(413);
    expect(res.body.error).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', requestId: expect.any(String) });
    expect(await objectFiles()).toEqual(before);
    expect(await readdir(join(ds.storageRoot, 'tmp'))).toEqual([]);
  });

  it('validates the form: fields before the file, known categories, links of the same organisation', async () => {
    const pdf = samplePdf('x');
    const bad = await uploadDocument(http(), org.adminToken, pdf, 'a.pdf', { category: 'poem' }).expect(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'category' })]);
    const late = await request(http())
      .post('/api/v1/documents')
      .set(bearer(org.adminToken))
      .field('category', 'contract')
      .attach('file', pdf, 'a.pdf')
      .field('title', 'too late')
      .expect(400);
    expect(late.body.error.code).toBe('BAD_UPLOAD_FORM');
    await request(http())
      .post('/api/v1/documents')
      .set(bearer(org.adminToken))
      .send({ category: 'contract' })
      .expect(415);

    const mine = await createBuilding(http(), org.adminToken, ['A1']);
    const theirs = await createBuilding(http(), other.adminToken, ['B1']);
    const foreign = await uploadDocument(http(), org.adminToken, pdf, 'a.pdf', {
      category: 'contract',
      unitId: theirs.unitIds[0],
    }).expect(404);
    expect(foreign.body.error.code).toBe('UNIT_NOT_FOUND');
    const mixed = await uploadDocument(http(), org.adminToken, pdf, 'a.pdf', {
      category: 'contract',
      buildingId: (await createBuilding(http(), org.adminToken, [])).buildingId,
      unitId: mine.unitIds[0],
    }).expect(422);
    expect(mixed.body.error.code).toBe('DOCUMENT_LINKS_DISAGREE');
    const placed = await uploadDocument(http(), org.adminToken, pdf, 'a.pdf', {
      category: 'contract',
      unitId: mine.unitIds[0],
    }).expect(201);
    expect(placed.body).toMatchObject({ unitId: mine.unitIds[0], buildingId: mine.buildingId });
  });

  it('hides documents of another organisation: list, read, download, change and delete are 404', async () => {
    const doc = (
      await uploadDocument(http(), org.adminToken, samplePdf('private'), 'private.pdf').expect(201)
    ).body;
    const list = await request(http()).get('/api/v1/documents').set(bearer(other.adminToken)).expect(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(doc.id);
    await request(http()).get(`/api/v1/documents/${doc.id}`).set(bearer(other.adminToken)).expect(404);
    await request(http())
      .get(`/api/v1/documents/${doc.id}/download`)
      .set(bearer(other.adminToken))
      .expect(404);
    await request(http()).get(`/api/v1/documents/${doc.id}/text`).set(bearer(other.adminToken)).expect(404);
    await request(http())
      .patch(`/api/v1/documents/${doc.id}`)
      .set(bearer(other.adminToken))
      .send({ title: 'mine now' })
      .expect(404);
    await request(http())
      .post(`/api/v1/documents/${doc.id}/sign`)
      .set(bearer(other.adminToken))
      .send({ signerName: 'X' })
      .expect(404);
    await request(http()).delete(`/api/v1/documents/${doc.id}`).set(bearer(other.adminToken)).expect(404);
    await request(http()).get(`/api/v1/documents/${doc.id}`).set(bearer(org.adminToken)).expect(200);
  });

  it('lists with filters, text search and sorting, in the list envelope', async () => {
    const place = await createBuilding(http(), org.adminToken, ['F1']);
    const ids: string[] = [];
    for (const [title, category] of [
      ['Invoice March', 'invoice'],
      ['Invoice April', 'invoice'],
      ['Minutes May', 'minutes'],
    ]) {
      ids.push(
        (
          await uploadDocument(http(), org.adminToken, Buffer.from(title), `${title}.txt`, {
            title,
            category,
            buildingId: place.buildingId,
          }).expect(201)
        ).body.id,
      );
    }
    const invoices = await request(http())
      .get(`/api/v1/documents?buildingId=${place.buildingId}&category=invoice&sort=title`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(invoices.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
    expect(invoices.body.items.map((d: { title: string }) => d.title)).toEqual([
      'Invoice April',
      'Invoice March',
    ]);
    const searched = await request(http())
      .get(`/api/v1/documents?buildingId=${place.buildingId}&q=may`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(searched.body.items.map((d: { id: string }) => d.id)).toEqual([ids[2]]);
    await request(http()).get('/api/v1/documents?sort=fileName').set(bearer(org.adminToken)).expect(400);
  });

  it('changes metadata, audits every change, deletes softly and removes the object in the background', async () => {
    const doc = (
      await uploadDocument(http(), org.adminToken, samplePdf('Old report'), 'report.pdf', {
        category: 'report',
      }).expect(201)
    ).body;
    const patched = await request(http())
      .patch(`/api/v1/documents/${doc.id}`)
      .set(bearer(org.adminToken))
      .send({ title: 'Energy report 2026', visibility: 'residents' })
      .expect(200);
    expect(patched.body).toMatchObject({
      title: 'Energy report 2026',
      visibility: 'residents',
      sha256: doc.sha256,
    });
    const stored = (await objectFiles()).filter((f) => f.includes(doc.id));
    expect(stored).toHaveLength(1);

    await request(http()).delete(`/api/v1/documents/${doc.id}`).set(bearer(org.adminToken)).expect(204);
    await request(http()).get(`/api/v1/documents/${doc.id}`).set(bearer(org.adminToken)).expect(404);
    await eventually(() => !existsSync(stored[0]));

    const audit = await request(http())
      .get(`/api/v1/audit-logs?entityType=document&entityId=${doc.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'document.created',
      'document.deleted',
      'document.updated',
    ]);
  });

  it('extracts the text of PDF, DOCX and TXT files in the background', async () => {
    const files: [Buffer, string, string][] = [
      [samplePdf('Annual meeting of owners'), 'meeting.pdf', 'Annual meeting of owners'],
      [sampleDocx('House rules\nNo smoking on the stairs'), 'rules.docx', 'No smoking on the stairs'],
      [Buffer.from('Heating starts on 1 October.'), 'notice.txt', 'Heating starts on 1 October.'],
    ];
    for (const [bytes, name, expected] of files) {
      const doc = (
        await uploadDocument(http(), org.adminToken, bytes, name, { category: 'other' }).expect(201)
      ).body;
      expect(doc.textStatus).toBe('pending');
      const text = await eventually(async () => {
        const res = await request(http())
          .get(`/api/v1/documents/${doc.id}/text`)
          .set(bearer(org.adminToken))
          .expect(200);
        return res.body.textStatus === 'pending' ? undefined : res.body;
      });
      expect(text).toMatchObject({ textStatus: 'extracted', text: expect.stringContaining(expected) });
    }
    const photo = (
      await uploadDocument(http(), org.adminToken, samplePng(), 'p.png', { category: 'photo' }).expect(201)
    ).body;
    expect(photo.textStatus).toBe('not_applicable');
  });

  it('queues the text extraction again when it was never queued (Redis down at upload time)', async () => {
    const doc = (
      await uploadDocument(http(), org.adminToken, Buffer.from('Boiler service on Monday.'), 'boiler.txt', {
        category: 'other',
      }).expect(201)
    ).body;
    const textOf = async () =>
      (await request(http()).get(`/api/v1/documents/${doc.id}/text`).set(bearer(org.adminToken)).expect(200))
        .body;
    await eventually(async () => (await textOf()).textStatus !== 'pending');
    // As if the upload had committed but its job never reached Redis, an hour ago.
    await asOwner(ds.server, (db) =>
      db.query(
        `UPDATE documents SET text_status = 'pending', extracted_text = NULL, created_at = now() - interval '2 hours' WHERE id = $1`,
        [doc.id],
      ),
    );
    const cleanup = ds.worker?.get(DocumentStorageCleanup) as DocumentStorageCleanup;
    expect((await cleanup.run(new Date())).text_extraction_requeued).toBe(1);
    const text = await eventually(async () => {
      const body = await textOf();
      return body.textStatus === 'pending' ? undefined : body;
    });
    expect(text).toMatchObject({ textStatus: 'extracted', text: expect.stringContaining('Boiler service') });
  });

  it('signs a document with the SHA-256 of its stored bytes; signed documents are kept and versioned', async () => {
    const pdf = samplePdf('Contract of sale');
    const doc = (await uploadDocument(http(), org.adminToken, pdf, 'sale.pdf').expect(201)).body;
    const signed = await request(http())
      .post(`/api/v1/documents/${doc.id}/sign`)
      .set(bearer(org.adminToken))
      .send({ signerName: 'Jana Nováková', signedAt: '2026-01-15T10:00:00Z' })
      .expect(200);
    expect(signed.body).toMatchObject({
      signed: true,
      signerName: 'Jana Nováková',
      signedAt: '2026-01-15T10:00:00.000Z',
      sha256: await sha256Of(pdf),
    });
    await request(http())
      .post(`/api/v1/documents/${doc.id}/sign`)
      .set(bearer(org.adminToken))
      .send({ signerName: 'Again' })
      .expect(409);
    const refused = await request(http())
      .delete(`/api/v1/documents/${doc.id}`)
      .set(bearer(org.adminToken))
      .expect(409);
    expect(refused.body.error.code).toBe('DOCUMENT_SIGNED');

    const v2 = await uploadDocument(
      http(),
      org.adminToken,
      samplePdf('Contract of sale, amended'),
      'sale-v2.pdf',
      {
        category: 'contract',
        previousVersionId: doc.id,
      },
    ).expect(201);
    expect(v2.body).toMatchObject({ previousVersionId: doc.id, signed: false });
    const stillThere = await request(http())
      .get(`/api/v1/documents/${doc.id}/download`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(Buffer.from(await (await fetch(stillThere.body.url)).arrayBuffer())).toEqual(pdf);
  });

  it('uploads straight to storage through a signed PUT, then confirms (size and sniffed type checked)', async () => {
    const png = samplePng();
    const started = await request(http())
      .post('/api/v1/documents/uploads')
      .set(bearer(org.adminToken))
      .send({ fileName: 'facade.png', sizeBytes: png.length, contentType: 'image/png', category: 'photo' })
      .expect(201);
    expect(started.body.document).toMatchObject({ status: 'pending', category: 'photo' });
    const { url, headers, method } = started.body.upload;
    expect(method).toBe('PUT');
    await request(http())
      .post(`/api/v1/documents/uploads/${started.body.document.id}/confirm`)
      .set(bearer(org.adminToken))
      .expect(409);
    expect((await fetch(url, { method, headers, body: png })).status).toBe(204);
    // Confirmed twice at once (a double click, a retry after a lost answer): the same answer twice.
    const [confirmed, twin] = await Promise.all(
      [0, 1].map(() =>
        request(http())
          .post(`/api/v1/documents/uploads/${started.body.document.id}/confirm`)
          .set(bearer(org.adminToken)),
      ),
    );
    expect([confirmed.status, twin.status]).toEqual([200, 200]);
    expect(twin.body).toEqual(confirmed.body);
    expect(confirmed.body).toMatchObject({
      status: 'active',
      contentType: 'image/png',
      sizeBytes: png.length,
    });

    const fake = Buffer.from('plain text pretending to be a PDF file');
    const disguised = await request(http())
      .post('/api/v1/documents/uploads')
      .set(bearer(org.adminToken))
      .send({ fileName: 'scan.png', sizeBytes: fake.length, contentType: 'image/png', category: 'photo' })
      .expect(201);
    await fetch(disguised.body.upload.url, {
      method: 'PUT',
      headers: disguised.body.upload.headers,
      body: fake,
    });
    await request(http())
      .post(`/api/v1/documents/uploads/${disguised.body.document.id}/confirm`)
      .set(bearer(org.adminToken))
      .expect(415);
    expect((await objectFiles()).some((f) => f.includes(disguised.body.document.id))).toBe(false);
    await request(http())
      .post('/api/v1/documents/uploads')
      .set(bearer(org.adminToken))
      .send({ fileName: 'x.exe', sizeBytes: 10, contentType: 'application/x-msdownload', category: 'other' })
      .expect(415);
    await request(http())
      .post('/api/v1/documents/uploads')
      .set(bearer(org.adminToken))
      .send({ fileName: 'x.pdf', sizeBytes: MAX + 1, contentType: 'application/pdf', category: 'other' })
      .expect(413);
  });
});
