import { startMailCatcher, tokenFromMail, type MailCatcher } from '@ppt/testing';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

/**
 * People linked to accounts through invitations, co-tenants and addenda of leases, and what owners
 * and tenants see of leases. Invitations travel over real SMTP to a local server.
 */
describe('resident accounts, co-tenants and addenda', () => {
  let server: BootedApiServer;
  let mail: MailCatcher;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let unitId: string;
  let otherUnitId: string;
  let primaryId: string;

  const to = (address: string) => (m: { to?: unknown }) => JSON.stringify(m.to).includes(address);
  const residentInvitationTo = (address: string) => (m: { to?: unknown; subject?: string }) =>
    to(address)(m) && /^Your .* account$/.test(m.subject ?? '');
  /** The n-th resident invitation (0 = first) sent to an address; its verification mail is not one. */
  const nthInvitationTo = (address: string, n: number) =>
    mail.waitFor(
      (m) =>
        residentInvitationTo(address)(m) &&
        mail.messages.filter(residentInvitationTo(address)).indexOf(m) === n,
    );
  const person = async (firstName: string, email?: string) =>
    (
      await request(http())
        .post('/api/v1/people')
        .set(bearer(org.adminToken))
        .send({ firstName, lastName: 'Test', ...(email ? { email } : {}) })
        .expect(201)
    ).body.id as string;
  const invite = (
    personId: string,
    body: Record<string, unknown> = { role: 'tenant' },
    token = org.adminToken,
  ) => request(http()).post(`/api/v1/people/${personId}/invitations`).set(bearer(token)).send(body);
  const accept = (token: string, invitation: string) =>
    request(http()).post('/api/v1/person-invitations/accept').set(bearer(token)).send({ token: invitation });
  const lease = (overrides: Record<string, unknown> = {}) => ({
    unitId,
    primaryTenantId: primaryId,
    leaseNumber: `L-${Math.random().toString(36).slice(2, 8)}`,
    startDate: '2027-01-01',
    endDate: '2027-12-31',
    rentAmount: 1850000,
    currency: 'CZK',
    paymentDay: 15,
    ...overrides,
  });
  const createLease = async (overrides: Record<string, unknown> = {}) =>
    (
      await request(http())
        .post('/api/v1/leases')
        .set(bearer(org.adminToken))
        .send(lease(overrides))
        .expect(201)
    ).body as { id: string; coTenantIds: string[]; version: number };
  const activate = (id: string) =>
    request(http()).post(`/api/v1/leases/${id}/activate`).set(bearer(org.adminToken)).expect(200);

  /** A registered account (in no organisation yet) that accepts an invitation for a new person. */
  async function residentFor(personId: string, role: 'owner' | 'tenant') {
    const user = await registerAndLogin(http(), 'resident');
    await invite(personId, { role, email: user.email }).expect(201);
    const token = tokenFromMail(await nthInvitationTo(user.email, 0));
    await accept(user.accessToken, token).expect(200);
    return { ...user, orgToken: (await login(http(), user.email, undefined, org.id)).accessToken };
  }

  beforeAll(async () => {
    mail = await startMailCatcher();
    server = await bootApiServer({
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: mail.url,
      APP_PUBLIC_URL: 'https://app.example.test',
    });
    org = await createOrganization(http(), await registerAndLogin(http(), 'ra-admin'), 'Vinohrady Správa');
    other = await createOrganization(http(), await registerAndLogin(http(), 'ra-other'), 'Other Správa');
    const buildingId = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'Dům', addressLine: 'Slezská 1', city: 'Praha', postalCode: '120 00', country: 'CZ' })
        .expect(201)
    ).body.id;
    const unit = (number: string) =>
      request(http())
        .post('/api/v1/units')
        .set(bearer(org.adminToken))
        .send({ buildingId, number })
        .expect(201);
    unitId = (await unit('1')).body.id;
    otherUnitId = (await unit('2')).body.id;
    primaryId = await person('Primary');
  });
  afterAll(async () => {
    await server.close();
    await mail.close();
  });

  describe('person invitations', () => {
    it('links a person to the account that accepts the e-mailed token, with the invited role', async () => {
      const user = await registerAndLogin(http(), 'invitee');
      const email = user.email;
      const personId = await person('Jana', email);

      const created = await invite(personId).expect(201);
      expect(created.body).toMatchObject({ personId, email, role: 'tenant' });
      expect(created.body).not.toHaveProperty('token');
      const message = await nthInvitationTo(email, 0);
      expect(message.text).toContain('https://app.example.test/accept-resident-invitation?token=');
      const token = tokenFromMail(message);

      const accepted = await accept(user.accessToken, token).expect(200);
      expect(accepted.body).toEqual({
        organizationId: org.id,
        organizationName: 'Vinohrady Správa',
        personId,
        role: 'tenant',
      });
      const linked = await request(http())
        .get(`/api/v1/people/${personId}`)
        .set(bearer(org.adminToken))
        .expect(200);
      expect(linked.body.userId).toBe(user.id);
      const switched = await request(http())
        .post('/api/v1/auth/switch-organization')
        .set(bearer(user.accessToken))
        .send({ organizationId: org.id })
        .expect(200);
      expect(switched.body.accessToken).toBeTruthy();

      // The switch ended the token the session held before; the new one acts in the organisation.
      expect((await accept(switched.body.accessToken, token).expect(409)).body.error.code).toBe(
        'INVITATION_NOT_PENDING',
      );
      expect((await invite(personId).expect(409)).body.error.code).toBe('PERSON_ALREADY_LINKED');
      const audit = await request(http())
        .get(`/api/v1/audit-logs?entityType=person&entityId=${personId}`)
        .set(bearer(org.adminToken))
        .expect(200);
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
        expect.arrayContaining(['person.invited', 'person.account_linked']),
      );
    });

    it('keeps an existing membership role, and refuses linking one account to two people', async () => {
      const manager = await registerAndLogin(http(), 'manager-owner');
      await addMember(http(), org.adminToken, org.id, manager.email, 'manager');
      const first = await person('Owner', manager.email);
      await invite(first, { role: 'owner' }).expect(201);
      const token = tokenFromMail(await nthInvitationTo(manager.email, 0));
      expect((await accept(manager.accessToken, token).expect(200)).body.role).toBe('manager');

      const second = await person('Second', manager.email);
      await invite(second, { role: 'owner' }).expect(201);
      const secondToken = tokenFromMail(await nthInvitationTo(manager.email, 1));
      expect((await accept(manager.accessToken, secondToken).expect(409)).body.error.code).toBe(
        'USER_ALREADY_LINKED',
      );
      const unlinked = await request(http())
        .get(`/api/v1/people/${second}`)
        .set(bearer(org.adminToken))
        .expect(200);
      expect(unlinked.body.userId).toBeNull();
    });

    it('lets only the latest unexpired invitation work', async () => {
      const user = await registerAndLogin(http(), 'renew');
      const email = user.email;
      const personId = await person('Renew', email);
      await invite(personId).expect(201);
      const old = tokenFromMail(await nthInvitationTo(email, 0));
      const second = await invite(personId, { role: 'owner' }).expect(201);
      const latest = tokenFromMail(await nthInvitationTo(email, 1));
      expect((await accept(user.accessToken, old).expect(409)).body.error.message).toMatch(
        /newer invitation/,
      );

      await asOwner(server, (db) =>
        db.query(`UPDATE person_invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
          second.body.id,
        ]),
      );
      expect((await accept(user.accessToken, latest).expect(409)).body.error.message).toMatch(/expired/);
      expect((await accept(user.accessToken, 'x'.repeat(43)).expect(404)).body.error.code).toBe(
        'INVITATION_NOT_FOUND',
      );
      const memberships = await asOwner(server, (db) =>
        db.query(`SELECT 1 FROM memberships WHERE user_id = $1`, [user.id]),
      );
      expect(memberships.rowCount).toBe(0);
    });

    it('links only an account whose verified e-mail is the invited one; a wrong account leaves it usable', async () => {
      const owner = await registerAndLogin(http(), 'rightful');
      const personId = await person('Rightful', owner.email);
      await invite(personId).expect(201);
      const token = tokenFromMail(await nthInvitationTo(owner.email, 0));

      const stranger = await registerAndLogin(http(), 'stranger');
      expect((await accept(stranger.accessToken, token).expect(403)).body.error.code).toBe(
        'INVITATION_EMAIL_MISMATCH',
      );
      await asOwner(server, (db) =>
        db.query('UPDATE users SET email_verified_at = NULL WHERE id = $1', [owner.id]),
      );
      expect((await accept(owner.accessToken, token).expect(403)).body.error.code).toBe('EMAIL_NOT_VERIFIED');
      await asOwner(server, (db) =>
        db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [owner.id]),
      );
      const strangerMemberships = await asOwner(server, (db) =>
        db.query(`SELECT 1 FROM memberships WHERE user_id = $1`, [stranger.id]),
      );
      expect(strangerMemberships.rowCount).toBe(0);
      await accept(owner.accessToken, token).expect(200);
    });

    it('validates the request and keeps invitations inside the organisation and to managers', async () => {
      const withoutEmail = await person('NoMail');
      expect((await invite(withoutEmail).expect(422)).body.error.code).toBe('PERSON_EMAIL_MISSING');
      const bad = await invite(withoutEmail, { role: 'manager', email: 'nope', extra: 1 }).expect(400);
      expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'email',
        'extra',
        'role',
      ]);
      await invite(withoutEmail, { role: 'tenant', email: 'x@example.com' }, other.adminToken).expect(404);

      const tenant = await registerAndLogin(http(), 'plain-tenant');
      await addMember(http(), org.adminToken, org.id, tenant.email, 'tenant');
      const tenantToken = (await login(http(), tenant.email, undefined, org.id)).accessToken;
      await invite(withoutEmail, { role: 'tenant', email: 'y@example.com' }, tenantToken).expect(403);
      await request(http())
        .post('/api/v1/person-invitations/accept')
        .send({ token: 'x'.repeat(43) })
        .expect(401);
    });
  });

  describe('co-tenants and addenda', () => {
    it('keeps co-tenants on a draft, refuses the primary tenant as a co-tenant and unknown people', async () => {
      const co = await person('Co');
      const created = await createLease({ coTenantIds: [co] });
      expect(created.coTenantIds).toEqual([co]);
      const bad = await request(http())
        .post('/api/v1/leases')
        .set(bearer(org.adminToken))
        .send(lease({ coTenantIds: [primaryId] }))
        .expect(422);
      expect(bad.body.error.code).toBe('CO_TENANT_IS_PRIMARY');
      const foreign = await request(http())
        .post('/api/v1/people')
        .set(bearer(other.adminToken))
        .send({ firstName: 'Foreign', lastName: 'Person' })
        .expect(201);
      const unknown = await request(http())
        .post('/api/v1/leases')
        .set(bearer(org.adminToken))
        .send(lease({ coTenantIds: [foreign.body.id] }))
        .expect(404);
      expect(unknown.body.error.code).toBe('PERSON_NOT_FOUND');
      const invalid = await request(http())
        .post('/api/v1/leases')
        .set(bearer(org.adminToken))
        .send(lease({ coTenantIds: ['not-a-uuid', co, co] }))
        .expect(400);
      expect(invalid.body.error.details.map((d: { field: string }) => d.field)).toContain('coTenantIds');

      const replaced = await request(http())
        .patch(`/api/v1/leases/${created.id}`)
        .set(bearer(org.adminToken))
        .send({ coTenantIds: [] })
        .expect(200);
      expect(replaced.body.coTenantIds).toEqual([]);
      const withCo = await createLease({ coTenantIds: [co], unitId: otherUnitId });
      const refused = await request(http())
        .delete(`/api/v1/people/${co}`)
        .set(bearer(org.adminToken))
        .expect(409);
      expect(refused.body.error.code).toBe('PERSON_HAS_LEASES');
      const byPerson = await request(http())
        .get(`/api/v1/leases?personId=${co}`)
        .set(bearer(org.adminToken))
        .expect(200);
      expect(byPerson.body.items.map((l: { id: string }) => l.id)).toEqual([withCo.id]);
    });

    it('amends an active lease with numbered addenda that record the terms before, audit and emit lease.amended', async () => {
      const co = await person('Joining');
      const created = await createLease({
        leaseNumber: `A-${Date.now()}`,
        startDate: '2028-01-01',
        endDate: '2028-12-31',
      });
      const addendum = {
        effectiveFrom: '2028-04-01',
        description: 'Rent indexation 4.5 %',
        rentAmount: 1933250,
      };
      const early = await request(http())
        .post(`/api/v1/leases/${created.id}/addenda`)
        .set(bearer(org.adminToken))
        .send(addendum)
        .expect(409);
      expect(early.body.error.code).toBe('LEASE_NOT_ACTIVE');
      await activate(created.id);

      const first = await request(http())
        .post(`/api/v1/leases/${created.id}/addenda`)
        .set(bearer(org.adminToken))
        .send({ ...addendum, coTenantIds: [co] })
        .expect(201);
      expect(first.body).toMatchObject({
        number: 1,
        effectiveFrom: '2028-04-01',
        changes: { rentAmount: 1933250, coTenantIds: [co] },
        previous: { rentAmount: 1850000, coTenantIds: [] },
      });
      const second = await request(http())
        .post(`/api/v1/leases/${created.id}/addenda`)
        .set(bearer(org.adminToken))
        .send({ effectiveFrom: '2028-06-01', description: 'Extension', endDate: '2029-06-30' })
        .expect(201);
      expect(second.body).toMatchObject({ number: 2, previous: { endDate: '2028-12-31' } });

      const current = await request(http())
        .get(`/api/v1/leases/${created.id}`)
        .set(bearer(org.adminToken))
        .expect(200);
      expect(current.body).toMatchObject({
        rentAmount: 1933250,
        endDate: '2029-06-30',
        coTenantIds: [co],
        version: 4,
      });
      const listed = await request(http())
        .get(`/api/v1/leases/${created.id}/addenda`)
        .set(bearer(org.adminToken))
        .expect(200);
      expect(listed.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
      expect(listed.body.items.map((a: { number: number }) => a.number)).toEqual([1, 2]);

      const events = await asOwner(server, (db) =>
        db.query(
          `SELECT aggregate_version, payload FROM outbox WHERE aggregate_id = $1 AND type = 'lease.amended' ORDER BY aggregate_version`,
          [created.id],
        ),
      );
      expect(events.rows.map((r) => [r.aggregate_version, r.payload.addendumNumber])).toEqual([
        [3, 1],
        [4, 2],
      ]);
      const audit = await request(http())
        .get(`/api/v1/audit-logs?entityType=lease&entityId=${created.id}`)
        .set(bearer(org.adminToken))
        .expect(200);
      expect(audit.body.items.filter((e: { action: string }) => e.action === 'lease.amended')).toHaveLength(
        2,
      );
    });

    it('refuses empty, back-dated and overlapping addenda and leaves the lease as it was', async () => {
      const later = await createLease({ startDate: '2030-01-01', endDate: '2030-12-31' });
      await activate(later.id);
      const current = await createLease({ startDate: '2029-07-01', endDate: '2029-12-31' });
      await activate(current.id);
      const post = (body: Record<string, unknown>) =>
        request(http()).post(`/api/v1/leases/${current.id}/addenda`).set(bearer(org.adminToken)).send(body);

      expect(
        (await post({ effectiveFrom: '2029-08-01', description: 'Nothing' }).expect(422)).body.error.code,
      ).toBe('ADDENDUM_EMPTY');
      expect(
        (await post({ effectiveFrom: '2029-01-01', description: 'Too early', paymentDay: 5 }).expect(422))
          .body.error.code,
      ).toBe('INVALID_DATES');
      const overlap = await post({
        effectiveFrom: '2029-10-01',
        description: 'Extend',
        endDate: '2030-03-31',
      }).expect(409);
      expect(overlap.body.error.code).toBe('LEASE_OVERLAP');
      const unchanged = await request(http())
        .get(`/api/v1/leases/${current.id}`)
        .set(bearer(org.adminToken))
        .expect(200);
      expect(unchanged.body).toMatchObject({ endDate: '2029-12-31', version: 2 });
      const addenda = await request(http())
        .get(`/api/v1/leases/${current.id}/addenda`)
        .set(bearer(org.adminToken))
        .expect(200);
      expect(addenda.body.total).toBe(0);
      await request(http())
        .post(`/api/v1/leases/${current.id}/addenda`)
        .set(bearer(other.adminToken))
        .send({ effectiveFrom: '2029-08-01', description: 'x', paymentDay: 3 })
        .expect(404);
    });
  });

  describe('what residents see of leases', () => {
    it('shows a tenant the leases they signed and an owner the leases of their unit, read-only', async () => {
      const tenantPerson = await person('Tenant', `t-${Date.now()}@example.com`);
      const tenant = await residentFor(tenantPerson, 'tenant');
      const ownerPerson = await person('Owner', `o-${Date.now()}@example.com`);
      const owner = await residentFor(ownerPerson, 'owner');
      await request(http())
        .post(`/api/v1/units/${otherUnitId}/occupants`)
        .set(bearer(org.adminToken))
        .send({ personId: ownerPerson, relation: 'owner', startsOn: '2020-01-01' })
        .expect(201);

      const signed = await createLease({
        unitId: otherUnitId,
        coTenantIds: [tenantPerson],
        startDate: '2031-01-01',
        endDate: null,
      });
      const notMine = await createLease({ startDate: '2031-01-01', endDate: null });

      const tenantList = await request(http()).get('/api/v1/leases').set(bearer(tenant.orgToken)).expect(200);
      expect(tenantList.body.items.map((l: { id: string }) => l.id)).toEqual([signed.id]);
      expect(tenantList.body.total).toBe(1);
      await request(http()).get(`/api/v1/leases/${signed.id}`).set(bearer(tenant.orgToken)).expect(200);
      await request(http()).get(`/api/v1/leases/${notMine.id}`).set(bearer(tenant.orgToken)).expect(404);
      await request(http())
        .get(`/api/v1/leases/${notMine.id}/addenda`)
        .set(bearer(tenant.orgToken))
        .expect(404);

      const ownerList = await request(http())
        .get(`/api/v1/leases?unitId=${otherUnitId}`)
        .set(bearer(owner.orgToken))
        .expect(200);
      expect(ownerList.body.items.map((l: { id: string }) => l.id)).toContain(signed.id);
      const ownerAll = await request(http())
        .get('/api/v1/leases?limit=100')
        .set(bearer(owner.orgToken))
        .expect(200);
      expect(ownerAll.body.items.every((l: { unitId: string }) => l.unitId === otherUnitId)).toBe(true);

      await request(http()).post('/api/v1/leases').set(bearer(tenant.orgToken)).send(lease()).expect(403);
      await request(http())
        .post(`/api/v1/leases/${signed.id}/activate`)
        .set(bearer(owner.orgToken))
        .expect(403);
      await request(http())
        .post(`/api/v1/leases/${signed.id}/addenda`)
        .set(bearer(tenant.orgToken))
        .send({ effectiveFrom: '2031-02-01', description: 'x', paymentDay: 3 })
        .expect(403);
    });
  });
});
