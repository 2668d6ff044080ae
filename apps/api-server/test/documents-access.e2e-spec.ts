import { samplePdf, samplePng } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  bootDocumentsServer,
  createBuilding,
  uploadDocument,
  type DocumentsServer,
  type Place,
} from './documents-fixtures';
import { addMember, bearer, createOrganization, login, registerAndLogin } from './identity';

/** Who sees which document (residents by visibility, realtors photos), and listing photos. */
describe('documents: visibility and listing photos', () => {
  let ds: DocumentsServer;
  const http = (): Server => ds.http();
  let org: { id: string; adminToken: string };
  let home: Place;
  let elsewhere: Place;
  let ownerToken: string;
  let tenantToken: string;
  let realtorToken: string;
  const docs: Record<string, string> = {};

  const userIds = new Map<string, string>();

  /** A member with `role`, linked to a person who occupies `unitId` with `relation` (from `startsOn` to `endsOn`). */
  async function resident(
    role: 'owner' | 'tenant',
    unitId: string,
    occupancy: { startsOn: string; endsOn?: string } = { startsOn: '2025-01-01' },
  ): Promise<string> {
    const user = await registerAndLogin(http(), `doc-${role}`);
    await addMember(http(), org.adminToken, org.id, user.email, role);
    const person = (
      await request(http())
        .post('/api/v1/people')
        .set(bearer(org.adminToken))
        .send({ firstName: 'R', lastName: role, userId: user.id })
        .expect(201)
    ).body.id;
    await request(http())
      .post(`/api/v1/units/${unitId}/occupants`)
      .set(bearer(org.adminToken))
      .send({ personId: person, relation: role, ...occupancy })
      .expect(201);
    const token = (await login(http(), user.email, undefined, org.id)).accessToken;
    userIds.set(token, user.id);
    return token;
  }

  beforeAll(async () => {
    ds = await bootDocumentsServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'vis-admin'), 'Visibility Org');
    home = await createBuilding(http(), org.adminToken, ['1', '2']);
    elsewhere = await createBuilding(http(), org.adminToken, ['9']);
    ownerToken = await resident('owner', home.unitIds[0]);
    tenantToken = await resident('tenant', home.unitIds[1]);
    const realtor = await registerAndLogin(http(), 'doc-realtor');
    await addMember(http(), org.adminToken, org.id, realtor.email, 'realtor');
    realtorToken = (await login(http(), realtor.email, undefined, org.id)).accessToken;

    const add = async (name: string, fields: Record<string, string>) => {
      docs[name] = (
        await uploadDocument(http(), org.adminToken, samplePdf(name), `${name}.pdf`, fields).expect(201)
      ).body.id;
    };
    await add('houseRules', { category: 'other', visibility: 'residents', buildingId: home.buildingId });
    await add('ownersMinutes', { category: 'minutes', visibility: 'owners', buildingId: home.buildingId });
    await add('ownerOfUnit2', { category: 'contract', visibility: 'owners', unitId: home.unitIds[1] });
    await add('ownerOfUnit1', { category: 'contract', visibility: 'owners', unitId: home.unitIds[0] });
    await add('managersOnly', { category: 'invoice', visibility: 'managers', buildingId: home.buildingId });
    await add('otherHouse', { category: 'other', visibility: 'residents', buildingId: elsewhere.buildingId });
    docs.photo = (
      await uploadDocument(http(), org.adminToken, samplePng(), 'front.png', { category: 'photo' }).expect(
        201,
      )
    ).body.id;
  });
  afterAll(() => ds.close());

  const visibleTo = async (token: string): Promise<string[]> => {
    const res = await request(http()).get('/api/v1/documents?limit=100').set(bearer(token)).expect(200);
    const byId = Object.fromEntries(Object.entries(docs).map(([name, id]) => [id, name]));
    return res.body.items
      .map((d: { id: string }) => byId[d.id])
      .filter(Boolean)
      .sort();
  };

  it('shows residents what their visibility includes, and 404 for the rest', async () => {
    expect(await visibleTo(ownerToken)).toEqual(['houseRules', 'ownerOfUnit1', 'ownersMinutes']);
    expect(await visibleTo(tenantToken)).toEqual(['houseRules']);
    expect(await visibleTo(org.adminToken)).toEqual(Object.keys(docs).sort());

    await request(http()).get(`/api/v1/documents/${docs.ownersMinutes}`).set(bearer(tenantToken)).expect(404);
    await request(http())
      .get(`/api/v1/documents/${docs.ownerOfUnit2}/download`)
      .set(bearer(ownerToken))
      .expect(404);
    await request(http()).get(`/api/v1/documents/${docs.otherHouse}`).set(bearer(tenantToken)).expect(404);
    const allowed = await request(http())
      .get(`/api/v1/documents/${docs.houseRules}/download`)
      .set(bearer(tenantToken))
      .expect(200);
    expect((await fetch(allowed.body.url)).status).toBe(200);
  });

  it('lets residents read but not change documents; realtors add photos only', async () => {
    await uploadDocument(http(), ownerToken, samplePdf('x'), 'x.pdf').expect(403);
    await request(http())
      .patch(`/api/v1/documents/${docs.houseRules}`)
      .set(bearer(ownerToken))
      .send({ title: 'Mine' })
      .expect(403);
    await request(http()).delete(`/api/v1/documents/${docs.houseRules}`).set(bearer(tenantToken)).expect(403);

    await uploadDocument(http(), realtorToken, samplePdf('x'), 'x.pdf', { category: 'contract' }).expect(403);
    await uploadDocument(http(), realtorToken, samplePng(), 'kitchen.png', { category: 'photo' }).expect(201);
  });

  it('lets a resident add photos to a fault they reported, seen by them and staff only', async () => {
    const report = (token: string) =>
      request(http())
        .post('/api/v1/faults')
        .set(bearer(token))
        .send({
          buildingId: home.buildingId,
          unitId: home.unitIds[1],
          title: 'Dripping tap',
          description: 'Kitchen',
          category: 'plumbing',
        })
        .expect(201);
    const own = (await report(tenantToken)).body.id as string;
    const theirs = (await report(org.adminToken)).body.id as string;

    const photo = await uploadDocument(http(), tenantToken, samplePng(), 'tap.png', {
      category: 'photo',
      faultId: own,
    }).expect(201);
    expect(photo.body).toMatchObject({ faultId: own, unitId: home.unitIds[1], visibility: 'managers' });
    const mine = await request(http())
      .get(`/api/v1/documents?faultId=${own}`)
      .set(bearer(tenantToken))
      .expect(200);
    expect(mine.body.items.map((d: { id: string }) => d.id)).toEqual([photo.body.id]);
    await request(http()).get(`/api/v1/documents/${photo.body.id}`).set(bearer(tenantToken)).expect(200);
    await request(http()).get(`/api/v1/documents/${photo.body.id}`).set(bearer(org.adminToken)).expect(200);
    await request(http()).get(`/api/v1/documents/${photo.body.id}`).set(bearer(ownerToken)).expect(404);

    const notMine = await uploadDocument(http(), tenantToken, samplePng(), 'x.png', {
      category: 'photo',
      faultId: theirs,
    }).expect(403);
    expect(notMine.body.error.message).toMatch(/faults they reported/);
    await uploadDocument(http(), tenantToken, samplePdf('x'), 'x.pdf', {
      category: 'contract',
      faultId: own,
    }).expect(403);
    await uploadDocument(http(), tenantToken, samplePng(), 'y.png', { category: 'photo' }).expect(403);
    const shared = await uploadDocument(http(), tenantToken, samplePng(), 'z.png', {
      category: 'photo',
      faultId: own,
      visibility: 'public',
    }).expect(403);
    expect(shared.body.error.message).toMatch(/staff only/);
    await request(http())
      .patch(`/api/v1/documents/${photo.body.id}`)
      .set(bearer(tenantToken))
      .send({ title: 'Renamed' })
      .expect(403);
  });

  it('keeps a realtor to listing photos, public documents and their own uploads: never a tenant’s fault photo', async () => {
    const fault = (
      await request(http())
        .post('/api/v1/faults')
        .set(bearer(tenantToken))
        .send({
          buildingId: home.buildingId,
          unitId: home.unitIds[1],
          title: 'Broken window',
          description: 'Bedroom',
          category: 'other',
        })
        .expect(201)
    ).body.id as string;
    const faultPhoto = (
      await uploadDocument(http(), tenantToken, samplePng(), 'window.png', {
        category: 'photo',
        faultId: fault,
      }).expect(201)
    ).body.id as string;
    const staffPhoto = (
      await uploadDocument(http(), org.adminToken, samplePng(), 'boiler-room.png', {
        category: 'photo',
      }).expect(201)
    ).body.id as string;
    const certificate = (
      await uploadDocument(http(), org.adminToken, samplePdf('Energy certificate'), 'penb.pdf', {
        category: 'report',
        visibility: 'public',
        buildingId: home.buildingId,
      }).expect(201)
    ).body.id as string;
    const ownPhoto = (
      await uploadDocument(http(), realtorToken, samplePng(), 'living-room.png', {
        category: 'photo',
      }).expect(201)
    ).body.id as string;

    const realtorSees = async () =>
      (
        await request(http()).get('/api/v1/documents?limit=100').set(bearer(realtorToken)).expect(200)
      ).body.items.map((d: { id: string }) => d.id);
    const seen = await realtorSees();
    expect(seen).toEqual(expect.arrayContaining([certificate, ownPhoto]));
    expect(seen).not.toContain(faultPhoto);
    expect(seen).not.toContain(staffPhoto);
    expect(seen).not.toContain(docs.photo);
    // The tenant's fault photo: not readable, not re-labelled, not deleted, not pulled into a listing.
    await request(http()).get(`/api/v1/documents/${faultPhoto}`).set(bearer(realtorToken)).expect(404);
    await request(http())
      .get(`/api/v1/documents/${faultPhoto}/download`)
      .set(bearer(realtorToken))
      .expect(404);
    await request(http())
      .patch(`/api/v1/documents/${faultPhoto}`)
      .set(bearer(realtorToken))
      .send({ title: 'Nice view' })
      .expect(404);
    await request(http()).delete(`/api/v1/documents/${faultPhoto}`).set(bearer(realtorToken)).expect(404);
    const listing = {
      transaction: 'sale',
      propertyType: 'apartment',
      title: 'Flat by the park',
      priceAmount: 5500000,
      currency: 'CZK',
      addressLine: 'Korunní 8',
      city: 'Praha',
      postalCode: '120 00',
      country: 'CZ',
    };
    const pulled = await request(http())
      .post('/api/v1/listings')
      .set(bearer(realtorToken))
      .send({ ...listing, photoDocumentIds: [faultPhoto] })
      .expect(422);
    expect(pulled.body.error.code).toBe('NOT_PHOTO_DOCUMENTS');
    await request(http()).get(`/api/v1/documents/${faultPhoto}`).set(bearer(org.adminToken)).expect(200);
    // Nor may a realtor file photos under faults.
    const filed = await uploadDocument(http(), realtorToken, samplePng(), 'x.png', {
      category: 'photo',
      faultId: fault,
    }).expect(403);
    expect(filed.body.error.code).toBe('DOCUMENT_NOT_ALLOWED');

    // Public documents are read-only to them; a staff photo is theirs to see once a listing shows it,
    // and theirs to change only once one of their own listings does and no listing with another
    // contact does (another realtor's or a manager's listing is not theirs to re-label or empty).
    await request(http())
      .patch(`/api/v1/documents/${certificate}`)
      .set(bearer(realtorToken))
      .send({ title: 'Mine' })
      .expect(403);
    await request(http()).get(`/api/v1/documents/${staffPhoto}`).set(bearer(realtorToken)).expect(404);
    const managersListing = (
      await request(http())
        .post('/api/v1/listings')
        .set(bearer(org.adminToken))
        .send({ ...listing, photoDocumentIds: [staffPhoto] })
        .expect(201)
    ).body as { id: string };
    expect(await realtorSees()).toContain(staffPhoto);
    const notTheirs = await request(http())
      .patch(`/api/v1/documents/${staffPhoto}`)
      .set(bearer(realtorToken))
      .send({ title: 'Boiler room, renovated 2024' })
      .expect(403);
    expect(notTheirs.body.error.code).toBe('DOCUMENT_NOT_ALLOWED');
    await request(http()).delete(`/api/v1/documents/${staffPhoto}`).set(bearer(realtorToken)).expect(403);
    await request(http())
      .post('/api/v1/listings')
      .set(bearer(realtorToken))
      .send({ ...listing, photoDocumentIds: [staffPhoto] })
      .expect(201);
    // Attaching the manager's listing photo to their own listing lets them use it, not change it
    // (this was the bypass: the PATCH and DELETE below answered 200 and 204).
    const attachedOnly = await request(http())
      .patch(`/api/v1/documents/${staffPhoto}`)
      .set(bearer(realtorToken))
      .send({ title: 'Boiler room, renovated 2024' })
      .expect(403);
    expect(attachedOnly.body.error.code).toBe('DOCUMENT_NOT_ALLOWED');
    await request(http()).delete(`/api/v1/documents/${staffPhoto}`).set(bearer(realtorToken)).expect(403);
    await request(http()).get(`/api/v1/documents/${staffPhoto}`).set(bearer(org.adminToken)).expect(200);
    // Once only their own listing shows it (the manager took it off theirs), it is theirs to change.
    await request(http())
      .patch(`/api/v1/listings/${managersListing.id}`)
      .set(bearer(org.adminToken))
      .send({ photoDocumentIds: [] })
      .expect(200);
    await request(http())
      .patch(`/api/v1/documents/${staffPhoto}`)
      .set(bearer(realtorToken))
      .send({ title: 'Boiler room, renovated 2024' })
      .expect(200);
    // … but never into the residents' space.
    for (const visibility of ['residents', 'owners', 'unit']) {
      const moved = await request(http())
        .patch(`/api/v1/documents/${staffPhoto}`)
        .set(bearer(realtorToken))
        .send({ visibility, buildingId: home.buildingId, unitId: home.unitIds[0] })
        .expect(403);
      expect(moved.body.error.code).toBe('DOCUMENT_NOT_ALLOWED');
    }
  });

  it('shares a lease PDF with the current tenants and owners of its unit only', async () => {
    const unitOwner = await resident('owner', home.unitIds[1]);
    const formerTenant = await resident('tenant', home.unitIds[1], {
      startsOn: '2020-01-01',
      endsOn: '2021-12-31',
    });
    const lease = (
      await uploadDocument(http(), org.adminToken, samplePdf('Lease of flat 2'), 'lease.pdf', {
        category: 'contract',
        visibility: 'unit',
        unitId: home.unitIds[1],
      }).expect(201)
    ).body;
    expect(lease).toMatchObject({ visibility: 'unit', unitId: home.unitIds[1], buildingId: home.buildingId });
    for (const token of [tenantToken, unitOwner]) {
      await request(http()).get(`/api/v1/documents/${lease.id}/download`).set(bearer(token)).expect(200);
      const listed = await request(http()).get('/api/v1/documents?limit=100').set(bearer(token)).expect(200);
      expect(listed.body.items.map((d: { id: string }) => d.id)).toContain(lease.id);
    }
    // The owner of flat 1 and the tenant who moved out of flat 2 do not see it.
    for (const token of [ownerToken, formerTenant]) {
      await request(http()).get(`/api/v1/documents/${lease.id}`).set(bearer(token)).expect(404);
      const listed = await request(http()).get('/api/v1/documents?limit=100').set(bearer(token)).expect(200);
      expect(listed.body.items.map((d: { id: string }) => d.id)).not.toContain(lease.id);
    }

    const unitless = await uploadDocument(http(), org.adminToken, samplePdf('x'), 'x.pdf', {
      category: 'contract',
      visibility: 'unit',
      buildingId: home.buildingId,
    }).expect(422);
    expect(unitless.body.error.code).toBe('DOCUMENT_UNIT_REQUIRED');
    const relabel = await request(http())
      .patch(`/api/v1/documents/${docs.managersOnly}`)
      .set(bearer(org.adminToken))
      .send({ visibility: 'unit' })
      .expect(422);
    expect(relabel.body.error.code).toBe('DOCUMENT_UNIT_REQUIRED');
  });

  it('lets the recipients of a message or an announcement read its attachments, and nobody else', async () => {
    const invoice = (
      await uploadDocument(http(), org.adminToken, samplePdf('Invoice 2026/17'), 'invoice.pdf', {
        category: 'invoice',
      }).expect(201)
    ).body.id as string;
    const minutes = (
      await uploadDocument(http(), org.adminToken, samplePdf('Boiler minutes'), 'minutes.pdf', {
        category: 'minutes',
      }).expect(201)
    ).body.id as string;
    for (const token of [tenantToken, ownerToken, realtorToken]) {
      await request(http()).get(`/api/v1/documents/${invoice}`).set(bearer(token)).expect(404);
      await request(http()).get(`/api/v1/documents/${minutes}`).set(bearer(token)).expect(404);
    }

    const conversation = (
      await request(http())
        .post('/api/v1/conversations')
        .set(bearer(org.adminToken))
        .send({ kind: 'direct', userId: userIds.get(tenantToken) })
        .expect(201)
    ).body.id as string;
    await request(http())
      .post(`/api/v1/conversations/${conversation}/messages`)
      .set(bearer(org.adminToken))
      .send({ clientMessageId: randomUUID(), body: 'Your invoice', attachmentDocumentIds: [invoice] })
      .expect(201);
    const link = await request(http())
      .get(`/api/v1/documents/${invoice}/download`)
      .set(bearer(tenantToken))
      .expect(200);
    expect((await fetch(link.body.url)).status).toBe(200);
    await request(http()).get(`/api/v1/documents/${invoice}`).set(bearer(ownerToken)).expect(404);

    const notice = (
      await request(http())
        .post('/api/v1/announcements')
        .set(bearer(org.adminToken))
        .send({
          title: 'Boiler',
          body: 'Minutes attached',
          audienceType: 'units',
          audienceUnitIds: [home.unitIds[0]],
          attachmentDocumentIds: [minutes],
        })
        .expect(201)
    ).body.id as string;
    // A draft has no recipients yet.
    await request(http()).get(`/api/v1/documents/${minutes}`).set(bearer(ownerToken)).expect(404);
    await request(http())
      .post(`/api/v1/announcements/${notice}/publish`)
      .set(bearer(org.adminToken))
      .expect(200);
    await request(http()).get(`/api/v1/documents/${minutes}/download`).set(bearer(ownerToken)).expect(200);
    await request(http()).get(`/api/v1/documents/${minutes}`).set(bearer(tenantToken)).expect(404);
    // Readable, not changeable.
    await request(http())
      .patch(`/api/v1/documents/${minutes}`)
      .set(bearer(ownerToken))
      .send({ title: 'Mine' })
      .expect(403);
  });

  it('takes only photo documents of the organisation as listing photos, and shows them publicly while on the market', async () => {
    const other = await createOrganization(http(), await registerAndLogin(http(), 'vis-other'), 'Other');
    const foreignPhoto = (
      await uploadDocument(http(), other.adminToken, samplePng(), 'x.png', { category: 'photo' }).expect(201)
    ).body.id;
    const listing = {
      transaction: 'rent',
      propertyType: 'apartment',
      title: 'Flat with photos',
      priceAmount: 2500000,
      currency: 'CZK',
      addressLine: 'Korunní 8',
      city: 'Praha',
      postalCode: '120 00',
      country: 'CZ',
    };
    for (const wrong of [docs.houseRules, foreignPhoto]) {
      const res = await request(http())
        .post('/api/v1/listings')
        .set(bearer(org.adminToken))
        .send({ ...listing, photoDocumentIds: [docs.photo, wrong] })
        .expect(422);
      expect(res.body.error).toMatchObject({
        code: 'NOT_PHOTO_DOCUMENTS',
        details: [{ field: 'photoDocumentIds', message: expect.stringContaining(wrong) }],
      });
    }
    const created = await request(http())
      .post('/api/v1/listings')
      .set(bearer(org.adminToken))
      .send({ ...listing, photoDocumentIds: [docs.photo] })
      .expect(201);
    await request(http())
      .patch(`/api/v1/listings/${created.body.id}`)
      .set(bearer(org.adminToken))
      .send({ photoDocumentIds: [docs.managersOnly] })
      .expect(422);

    const photoUrl = `/api/v1/public/listing-photos/${docs.photo}`;
    await request(http()).get(photoUrl).expect(404); // a draft is not on the market
    await request(http())
      .post(`/api/v1/listings/${created.body.id}/status`)
      .set(bearer(org.adminToken))
      .send({ status: 'published' })
      .expect(200);
    const redirect = await request(http()).get(photoUrl).expect(302);
    const image = await fetch(redirect.headers.location);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer())).toEqual(samplePng());
    await request(http()).get(`/api/v1/public/listing-photos/${docs.houseRules}`).expect(404);
    await request(http()).get(`/api/v1/public/listing-photos/${foreignPhoto}`).expect(404);
    await request(http()).get('/api/v1/public/listing-photos/not-a-uuid').expect(404);

    await request(http())
      .post(`/api/v1/listings/${created.body.id}/status`)
      .set(bearer(org.adminToken))
      .send({ status: 'withdrawn' })
      .expect(200);
    await request(http()).get(photoUrl).expect(404);
  });
});
