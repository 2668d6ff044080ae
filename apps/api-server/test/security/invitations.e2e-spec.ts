import request from 'supertest';
import { bootApiServer, type BootedApiServer } from '../boot';
import {
  addMember,
  asOwner,
  bearer,
  createOrganization,
  invite,
  knownInvitationToken,
  login,
  PASSWORD,
  register,
  registerAndLogin,
  uniqueEmail,
  type TestUser,
} from '../identity';

/** Black-box cases for how accounts bind to organisations (issue #15 item 1). */
describe('security: binding accounts to people', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let adminA: TestUser;
  let orgA: { id: string; adminToken: string };
  let orgB: { id: string; adminToken: string };

  const membershipCount = async (userId: string) =>
    (await asOwner(server, (db) => db.query('SELECT 1 FROM memberships WHERE user_id = $1', [userId])))
      .rowCount;

  beforeAll(async () => {
    server = await bootApiServer();
    adminA = await registerAndLogin(http(), 'sec-admin-a');
    orgA = await createOrganization(http(), adminA, 'Sec A');
    orgB = await createOrganization(http(), await registerAndLogin(http(), 'sec-admin-b'), 'Sec B');
  });
  afterAll(() => server.close());

  it('API2:2023 an account pre-registered for an address cannot accept that address’s invitation, even with the token', async () => {
    const address = uniqueEmail('victim-staff');
    const attackerId = await register(http(), address);
    const attacker = await login(http(), address);
    const invitation = await invite(http(), orgA.adminToken, orgA.id, address, 'org_admin');
    const token = await knownInvitationToken(http(), invitation.id);
    const res = await request(http())
      .post('/api/v1/me/invitations/accept')
      .set(bearer(attacker.accessToken))
      .send({ token })
      .expect(403);
    expect(res.body.error.code).toBe('EMAIL_NOT_VERIFIED');
    expect(await membershipCount(attackerId)).toBe(0);
  });

  it('API2:2023 a token presented by another verified account is refused and stays usable for its addressee', async () => {
    const addressee = await registerAndLogin(http(), 'addressee');
    const thief = await registerAndLogin(http(), 'thief');
    const invitation = await invite(http(), orgA.adminToken, orgA.id, addressee.email, 'manager');
    const token = await knownInvitationToken(http(), invitation.id);
    const stolen = await request(http())
      .post('/api/v1/me/invitations/accept')
      .set(bearer(thief.accessToken))
      .send({ token })
      .expect(403);
    expect(stolen.body.error.code).toBe('INVITATION_EMAIL_MISMATCH');
    expect(await membershipCount(thief.id)).toBe(0);
    await request(http())
      .post('/api/v1/me/invitations/accept')
      .set(bearer(addressee.accessToken))
      .send({ token })
      .expect(200);
  });

  it('API2:2023 accepting needs a signed-in account (401 without a token)', async () => {
    const res = await request(http())
      .post('/api/v1/me/invitations/accept')
      .send({ token: 'x'.repeat(43) })
      .expect(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('API2:2023 an unverified account’s sign-in carries no organisation even when it holds a membership', async () => {
    const email = uniqueEmail('unproven');
    const userId = await register(http(), email);
    await asOwner(server, (db) =>
      db.query(`INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'org_admin')`, [
        orgA.id,
        userId,
      ]),
    );
    const res = await request(http())
      .post('/api/v1/auth/login')
      .send({ email, password: PASSWORD })
      .expect(200);
    const claims = JSON.parse(Buffer.from(res.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ org: null, role: null });
    const members = await request(http())
      .get(`/api/v1/organizations/${orgA.id}/members`)
      .set(bearer(res.body.accessToken))
      .expect(403);
    expect(members.body.error.code).toBe('EMAIL_NOT_VERIFIED');
  });

  it("API1:2023 one organisation's admin cannot list, revoke or invite into another organisation (404)", async () => {
    const invitation = await invite(http(), orgB.adminToken, orgB.id, uniqueEmail('b-invitee'), 'tenant');
    const a = bearer(orgA.adminToken);
    const attempts = await Promise.all([
      request(http()).get(`/api/v1/organizations/${orgB.id}/invitations`).set(a),
      request(http()).delete(`/api/v1/organizations/${orgB.id}/invitations/${invitation.id}`).set(a),
      request(http()).delete(`/api/v1/organizations/${orgA.id}/invitations/${invitation.id}`).set(a),
      request(http())
        .post(`/api/v1/organizations/${orgB.id}/invitations`)
        .set(a)
        .send({ email: adminA.email, role: 'org_admin' }),
    ]);
    expect(attempts.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    const stillOpen = await request(http())
      .get(`/api/v1/organizations/${orgB.id}/invitations`)
      .set(bearer(orgB.adminToken))
      .expect(200);
    expect(stillOpen.body.items.map((i: { id: string }) => i.id)).toContain(invitation.id);
  });

  it('API1:2023 nobody can decline or see an invitation addressed to someone else', async () => {
    const addressee = uniqueEmail('someone');
    const invitation = await invite(http(), orgA.adminToken, orgA.id, addressee, 'tenant');
    const other = await registerAndLogin(http(), 'nosy');
    await request(http())
      .post(`/api/v1/me/invitations/${invitation.id}/decline`)
      .set(bearer(other.accessToken))
      .expect(404);
    const mine = await request(http())
      .get('/api/v1/me/invitations')
      .set(bearer(other.accessToken))
      .expect(200);
    expect(mine.body).toEqual([]);
  });

  it('API3:2023 invitations never expose their token or its hash, and extra properties are refused', async () => {
    const created = await request(http())
      .post(`/api/v1/organizations/${orgA.id}/invitations`)
      .set(bearer(orgA.adminToken))
      .send({ email: uniqueEmail('props'), role: 'tenant' })
      .expect(201);
    expect(Object.keys(created.body).sort()).toEqual(
      ['createdAt', 'email', 'expiresAt', 'id', 'invitedBy', 'role', 'status'].sort(),
    );
    const smuggled = await request(http())
      .post(`/api/v1/organizations/${orgA.id}/invitations`)
      .set(bearer(orgA.adminToken))
      .send({ email: uniqueEmail('props'), role: 'tenant', status: 'accepted', organizationId: orgB.id })
      .expect(400);
    expect(smuggled.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('API5:2023 only an org_admin invites or revokes; a manager gets 403 ROLE_NOT_ALLOWED', async () => {
    const manager = await registerAndLogin(http(), 'sec-manager');
    await addMember(http(), orgA.adminToken, orgA.id, manager.email, 'manager');
    const token = (await login(http(), manager.email, PASSWORD, orgA.id)).accessToken;
    const invitation = await invite(http(), orgA.adminToken, orgA.id, uniqueEmail('x'), 'tenant');
    const attempts = await Promise.all([
      request(http())
        .post(`/api/v1/organizations/${orgA.id}/invitations`)
        .set(bearer(token))
        .send({ email: uniqueEmail('escalate'), role: 'org_admin' }),
      request(http())
        .delete(`/api/v1/organizations/${orgA.id}/invitations/${invitation.id}`)
        .set(bearer(token)),
      request(http()).get(`/api/v1/organizations/${orgA.id}/invitations`).set(bearer(token)),
    ]);
    expect(attempts.map((r) => [r.status, r.body.error.code])).toEqual([
      [403, 'ROLE_NOT_ALLOWED'],
      [403, 'ROLE_NOT_ALLOWED'],
      [403, 'ROLE_NOT_ALLOWED'],
    ]);
  });

  it('API5:2023 the direct-add route is gone: nobody is made a member without accepting', async () => {
    const target = await registerAndLogin(http(), 'direct-target');
    const res = await request(http())
      .post(`/api/v1/organizations/${orgA.id}/members`)
      .set(bearer(orgA.adminToken))
      .send({ email: target.email, role: 'org_admin' })
      .expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(await membershipCount(target.id)).toBe(0);
  });
});
