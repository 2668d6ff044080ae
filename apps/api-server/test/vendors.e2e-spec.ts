import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

/** Vendors: read, change and delete, which is refused while a fault or an expense names the vendor. */
describe('vendors', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let buildingId: string;

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'vend'), 'Vendor Org');
    other = await createOrganization(http(), await registerAndLogin(http(), 'vend-other'), 'Other');
    buildingId = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'V', addressLine: 'V 1', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => server.close());

  const newVendor = async (name: string) =>
    (
      await request(http())
        .post('/api/v1/vendors')
        .set(bearer(org.adminToken))
        .send({ name, trade: 'plumbing' })
        .expect(201)
    ).body.id as string;
  const del = (id: string, token = org.adminToken) =>
    request(http()).delete(`/api/v1/vendors/${id}`).set(bearer(token));
  const auditOf = (id: string) =>
    asOwner(server, async (db) =>
      (
        await db.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY created_at`, [id])
      ).rows.map((r: { action: string }) => r.action),
    );

  it('reads one vendor and deletes an unreferenced one, audited; other organisations and residents stay out', async () => {
    const id = await newVendor('Spare Plumbers');
    const got = await request(http()).get(`/api/v1/vendors/${id}`).set(bearer(org.adminToken)).expect(200);
    expect(got.body).toMatchObject({ id, name: 'Spare Plumbers', trade: 'plumbing' });
    await request(http()).get(`/api/v1/vendors/${id}`).set(bearer(other.adminToken)).expect(404);
    expect((await del(id, other.adminToken).expect(404)).body.error.code).toBe('VENDOR_NOT_FOUND');

    const tech = await registerAndLogin(http(), 'vend-tech');
    await addMember(http(), org.adminToken, org.id, tech.email, 'technical_manager');
    const techToken = (await login(http(), tech.email, undefined, org.id)).accessToken;
    await del(id, techToken).expect(403);

    await del(id).expect(204);
    await request(http()).get(`/api/v1/vendors/${id}`).set(bearer(org.adminToken)).expect(404);
    await del(id).expect(404);
    expect(await auditOf(id)).toEqual(['vendor.created', 'vendor.deleted']);
  });

  it('refuses (409 VENDOR_IN_USE) to delete a vendor a fault or an expense names, and keeps it', async () => {
    const onFault = await newVendor('Fault Fixers');
    const fault = (
      await request(http())
        .post('/api/v1/faults')
        .set(bearer(org.adminToken))
        .send({ buildingId, title: 'Lift', description: 'Stuck', category: 'common_area' })
        .expect(201)
    ).body.id;
    await request(http())
      .patch(`/api/v1/faults/${fault}`)
      .set(bearer(org.adminToken))
      .send({ vendorId: onFault })
      .expect(200);
    const refused = await del(onFault).expect(409);
    expect(refused.body.error).toMatchObject({ code: 'VENDOR_IN_USE', requestId: expect.any(String) });

    const onExpense = await newVendor('Roofers');
    await request(http())
      .post('/api/v1/expenses')
      .set(bearer(org.adminToken))
      .send({
        buildingId,
        vendorId: onExpense,
        category: 'repairs',
        amount: 100000,
        currency: 'CZK',
        incurredOn: '2026-03-10',
      })
      .expect(201);
    expect((await del(onExpense).expect(409)).body.error.code).toBe('VENDOR_IN_USE');

    for (const id of [onFault, onExpense]) {
      await request(http()).get(`/api/v1/vendors/${id}`).set(bearer(org.adminToken)).expect(200);
      expect(await auditOf(id)).toEqual(['vendor.created']);
    }
  });
});
