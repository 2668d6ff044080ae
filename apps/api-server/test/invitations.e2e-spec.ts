import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
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
} from './identity';

const claimsOf = (accessToken: string) =>
  JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

/** Memberships exist only by an invitation accepted by the verified owner of the invited address. */
describe('organisation invitations', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let admin: TestUser;
  let org: { id: string; adminToken: string };

  const accept = (accessToken: string, token: string) =>
    request(http()).post('/api/v1/me/invitations/accept').set(bearer(accessToken)).send({ token });
  const membershipsOf = async (userId: string) =>
    (
      await asOwner(server, (db) =>
        db.query('SELECT organization_id, role FROM memberships WHERE user_id = $1', [userId]),
      )
    ).rows;

  beforeAll(async () => {
    server = await bootApiServer();
    admin = await registerAndLogin(http(), 'inv-admin');
    org = await createOrganization(http(), admin, 'Victim Estates');
  });
  afterAll(() => server.close());

  it('an account pre-registered for the address cannot take the invitation, and a reset by the real owner ends it', async () => {
    const address = uniqueEmail('staff');
    const attackerId = await register(http(), address);
    const attacker = await login(http(), address);

    const invitation = await invite(http(), org.adminToken, org.id, address, 'manager');
    expect(invitation).toMatchObject({ email: address, role: 'manager', status: 'pending' });
    // Even holding the token (it was mailed to the victim's mailbox) the attacker gets nothing.
    const token = await knownInvitationToken(http(), invitation.id);
    expect((await accept(attacker.accessToken, token).expect(403)).body.error.code).toBe(
      'EMAIL_NOT_VERIFIED',
    );
    const listed = await request(http())
      .get('/api/v1/me/invitations')
      .set(bearer(attacker.accessToken))
      .expect(403);
    expect(listed.body.error.code).toBe('EMAIL_NOT_VERIFIED');
    expect(await membershipsOf(attackerId)).toEqual([]);

    const again = await login(http(), address);
    expect(claimsOf(again.accessToken)).toMatchObject({ org: null, role: null });
    const switched = await request(http())
      .post('/api/v1/auth/switch-organization')
      .set(bearer(again.accessToken))
      .send({ organizationId: org.id })
      .expect(403);
    expect(switched.body.error.code).toBe('EMAIL_NOT_VERIFIED');

    // The victim proves the mailbox with a reset link (read here from the database as a fixture).
    const { resetToken } = await plantResetToken(attackerId);
    await request(http())
      .post('/api/v1/auth/password/reset')
      .send({ token: resetToken, newPassword: 'the real owner chose this' })
      .expect(204);
    await request(http()).get('/api/v1/auth/me').set(bearer(again.accessToken)).expect(401);
    await request(http()).post('/api/v1/auth/refresh').send({ refreshToken: again.refreshToken }).expect(401);
    await request(http()).post('/api/v1/auth/login').send({ email: address, password: PASSWORD }).expect(401);

    const owner = await login(http(), address, 'the real owner chose this');
    const accepted = await accept(owner.accessToken, token).expect(200);
    expect(accepted.body).toMatchObject({
      organizationId: org.id,
      organizationName: 'Victim Estates',
      role: 'manager',
    });
  });

  it('lets the verified owner of the address see who invited them, accept once, and act in the organisation', async () => {
    const invitee = await registerAndLogin(http(), 'invitee');
    const invitation = await invite(
      http(),
      org.adminToken,
      org.id,
      invitee.email.toUpperCase(),
      'technical_manager',
    );
    const token = await knownInvitationToken(http(), invitation.id);

    const mine = await request(http())
      .get('/api/v1/me/invitations')
      .set(bearer(invitee.accessToken))
      .expect(200);
    expect(mine.body).toEqual([
      {
        id: invitation.id,
        organizationId: org.id,
        organizationName: 'Victim Estates',
        role: 'technical_manager',
        invitedBy: { userId: admin.id, displayName: admin.email.split('@')[0], email: admin.email },
        expiresAt: expect.any(String),
      },
    ]);
    const accepted = await accept(invitee.accessToken, token).expect(200);
    expect(await membershipsOf(invitee.id)).toEqual([{ organization_id: org.id, role: 'technical_manager' }]);
    const used = await accept(invitee.accessToken, token).expect(409);
    expect(used.body.error.code).toBe('INVITATION_ALREADY_ACCEPTED');
    expect(
      (await request(http()).get('/api/v1/me/invitations').set(bearer(invitee.accessToken))).body,
    ).toEqual([]);

    const inOrg = await login(http(), invitee.email, PASSWORD, org.id);
    expect(claimsOf(inOrg.accessToken)).toMatchObject({ org: org.id, role: 'technical_manager' });
    const audit = await asOwner(server, (db) =>
      db.query(`SELECT action, actor_user_id FROM audit_log WHERE entity_id = $1`, [
        accepted.body.membershipId,
      ]),
    );
    expect(audit.rows).toEqual([{ action: 'membership.added', actor_user_id: invitee.id }]);

    const dup = await request(http())
      .post(`/api/v1/organizations/${org.id}/invitations`)
      .set(bearer(org.adminToken))
      .send({ email: invitee.email, role: 'tenant' })
      .expect(409);
    expect(dup.body.error.code).toBe('ALREADY_MEMBER');
  });

  it('refuses another verified account with INVITATION_EMAIL_MISMATCH and leaves the invitation usable', async () => {
    const rightful = await registerAndLogin(http(), 'rightful');
    const other = await registerAndLogin(http(), 'other');
    const invitation = await invite(http(), org.adminToken, org.id, rightful.email, 'owner');
    const token = await knownInvitationToken(http(), invitation.id);
    expect((await accept(other.accessToken, token).expect(403)).body.error.code).toBe(
      'INVITATION_EMAIL_MISMATCH',
    );
    expect(await membershipsOf(other.id)).toEqual([]);
    await request(http())
      .post(`/api/v1/me/invitations/${invitation.id}/decline`)
      .set(bearer(other.accessToken))
      .expect(404);
    await accept(rightful.accessToken, token).expect(200);
  });

  it('refuses expired (410), revoked (410), replaced (410) and declined (409) invitations with their own codes', async () => {
    const invitee = await registerAndLogin(http(), 'states');
    const first = await invite(http(), org.adminToken, org.id, invitee.email, 'tenant');
    const firstToken = await knownInvitationToken(http(), first.id);
    await asOwner(server, (db) =>
      db.query(`UPDATE organization_invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        first.id,
      ]),
    );
    expect((await accept(invitee.accessToken, firstToken).expect(410)).body.error.code).toBe(
      'INVITATION_EXPIRED',
    );
    const open = await request(http())
      .get(`/api/v1/organizations/${org.id}/invitations`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(open.body.items.find((i: { id: string }) => i.id === first.id)).toMatchObject({
      status: 'expired',
    });

    // Inviting again replaces the open one: the old link stops working, the new one is the only one listed.
    const second = await invite(http(), org.adminToken, org.id, invitee.email, 'owner');
    const secondToken = await knownInvitationToken(http(), second.id);
    expect((await accept(invitee.accessToken, firstToken).expect(410)).body.error.code).toBe(
      'INVITATION_REVOKED',
    );
    const listed = await request(http())
      .get(`/api/v1/organizations/${org.id}/invitations?limit=100`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(listed.body.items.filter((i: { email: string }) => i.email === invitee.email)).toEqual([
      expect.objectContaining({ id: second.id, role: 'owner', status: 'pending' }),
    ]);

    await request(http())
      .delete(`/api/v1/organizations/${org.id}/invitations/${second.id}`)
      .set(bearer(org.adminToken))
      .expect(204);
    expect((await accept(invitee.accessToken, secondToken).expect(410)).body.error.code).toBe(
      'INVITATION_REVOKED',
    );
    await request(http())
      .delete(`/api/v1/organizations/${org.id}/invitations/${second.id}`)
      .set(bearer(org.adminToken))
      .expect(404);

    const third = await invite(http(), org.adminToken, org.id, invitee.email, 'owner');
    const thirdToken = await knownInvitationToken(http(), third.id);
    await request(http())
      .post(`/api/v1/me/invitations/${third.id}/decline`)
      .set(bearer(invitee.accessToken))
      .expect(204);
    expect((await accept(invitee.accessToken, thirdToken).expect(409)).body.error.code).toBe(
      'INVITATION_DECLINED',
    );
    expect((await accept(invitee.accessToken, 'x'.repeat(43)).expect(404)).body.error.code).toBe(
      'INVITATION_NOT_FOUND',
    );
    expect(await membershipsOf(invitee.id)).toEqual([]);
  });

  it('shows pending invitations to org_admins only, paged', async () => {
    const manager = await registerAndLogin(http(), 'lister');
    await addMember(http(), org.adminToken, org.id, manager.email, 'manager');
    const managerToken = (await login(http(), manager.email, PASSWORD, org.id)).accessToken;
    const refused = await request(http())
      .get(`/api/v1/organizations/${org.id}/invitations`)
      .set(bearer(managerToken))
      .expect(403);
    expect(refused.body.error.code).toBe('ROLE_NOT_ALLOWED');
    await invite(http(), org.adminToken, org.id, uniqueEmail('page-a'), 'tenant');
    await invite(http(), org.adminToken, org.id, uniqueEmail('page-b'), 'tenant');
    const page = await request(http())
      .get(`/api/v1/organizations/${org.id}/invitations?limit=1&offset=1`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(page.body).toMatchObject({ limit: 1, offset: 1, items: [expect.any(Object)] });
    expect(page.body.total).toBeGreaterThanOrEqual(2);
    expect(page.body.items[0]).not.toHaveProperty('tokenHash');
    expect(page.body.items[0].invitedBy).toEqual({
      userId: admin.id,
      displayName: admin.email.split('@')[0],
      email: admin.email,
    });
  });

  it('an unverified account signs in without an organisation: no org on login or refresh, no new organisation', async () => {
    const email = uniqueEmail('unverified');
    const userId = await register(http(), email);
    const tokens = await login(http(), email);
    expect(claimsOf(tokens.accessToken)).toMatchObject({ org: null, role: null });
    const created = await request(http())
      .post('/api/v1/organizations')
      .set(bearer(tokens.accessToken))
      .send({ name: 'Not yet' })
      .expect(403);
    expect(created.body.error.code).toBe('EMAIL_NOT_VERIFIED');
    const asked = await request(http())
      .post('/api/v1/auth/login')
      .send({ email, password: PASSWORD, organizationId: org.id })
      .expect(403);
    expect(asked.body.error.code).toBe('EMAIL_NOT_VERIFIED');

    // A membership left from before (e.g. an organisation created while verified, then the flag cleared)
    // is not used while the address is unproven.
    await asOwner(server, (db) =>
      db.query(`INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, 'manager')`, [
        org.id,
        userId,
      ]),
    );
    const session = await login(http(), email);
    expect(claimsOf(session.accessToken)).toMatchObject({ org: null, role: null });
    await asOwner(server, (db) =>
      db.query(`UPDATE sessions SET current_organization_id = $1 WHERE user_id = $2`, [org.id, userId]),
    );
    const refreshed = await request(http())
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: session.refreshToken })
      .expect(200);
    expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ org: null, role: null });
    const read = await request(http())
      .get(`/api/v1/organizations/${org.id}/members`)
      .set(bearer(session.accessToken))
      .expect(403);
    expect(read.body.error.code).toBe('EMAIL_NOT_VERIFIED');
  });

  it('lets a member leave (ending their sessions in it), but not the last org_admin', async () => {
    const leaver = await registerAndLogin(http(), 'leaver');
    await addMember(http(), org.adminToken, org.id, leaver.email, 'owner');
    const inOrg = await login(http(), leaver.email, PASSWORD, org.id);
    await request(http())
      .delete(`/api/v1/organizations/${org.id}/membership`)
      .set(bearer(inOrg.accessToken))
      .expect(204);
    expect(await membershipsOf(leaver.id)).toEqual([]);
    await request(http()).get('/api/v1/auth/me').set(bearer(inOrg.accessToken)).expect(401);
    await request(http()).get('/api/v1/auth/me').set(bearer(leaver.accessToken)).expect(200);
    await request(http())
      .delete(`/api/v1/organizations/${org.id}/membership`)
      .set(bearer(leaver.accessToken))
      .expect(404);

    const last = await request(http())
      .delete(`/api/v1/organizations/${org.id}/membership`)
      .set(bearer(org.adminToken))
      .expect(409);
    expect(last.body.error.code).toBe('LAST_ORG_ADMIN');
    const audit = await asOwner(server, (db) =>
      db.query(`SELECT 1 FROM audit_log WHERE action = 'membership.left' AND actor_user_id = $1`, [
        leaver.id,
      ]),
    );
    expect(audit.rowCount).toBe(1);
  });

  it('has no direct-add route and no password-setting invitation route any more', async () => {
    const someone = await registerAndLogin(http(), 'direct');
    const direct = await request(http())
      .post(`/api/v1/organizations/${org.id}/members`)
      .set(bearer(org.adminToken))
      .send({ email: someone.email, role: 'manager' })
      .expect(404);
    expect(direct.body.error.code).toBe('NOT_FOUND');
    await request(http())
      .post('/api/v1/auth/invitations/accept')
      .send({ token: 'x'.repeat(43), password: 'long enough password' })
      .expect(404);
    expect(await membershipsOf(someone.id)).toEqual([]);
  });

  it('validates invitation input', async () => {
    const bad = await request(http())
      .post(`/api/v1/organizations/${org.id}/invitations`)
      .set(bearer(org.adminToken))
      .send({ email: 'nope', role: 'king', extra: 1 })
      .expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'email',
      'extra',
      'role',
    ]);
    const noToken = await request(http())
      .post('/api/v1/me/invitations/accept')
      .set(bearer(admin.accessToken))
      .send({ token: 'short' })
      .expect(400);
    expect(noToken.body.error.code).toBe('VALIDATION_FAILED');
    await request(http())
      .post('/api/v1/me/invitations/not-a-uuid/decline')
      .set(bearer(admin.accessToken))
      .expect(400);
    await request(http())
      .delete(`/api/v1/organizations/${org.id}/invitations/not-a-uuid`)
      .set(bearer(org.adminToken))
      .expect(400);
  });

  /** A reset link as if read from the mailbox: a fresh token whose hash the fixture stores. */
  async function plantResetToken(userId: string): Promise<{ resetToken: string }> {
    const resetToken = randomBytes(32).toString('base64url');
    await asOwner(server, (db) =>
      db.query(
        `INSERT INTO email_tokens (user_id, purpose, token_hash, expires_at)
         VALUES ($1, 'reset_password', $2, now() + interval '30 minutes')`,
        [userId, createHash('sha256').update(resetToken).digest('hex')],
      ),
    );
    return { resetToken };
  }
});
