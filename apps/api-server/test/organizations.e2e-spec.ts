import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import {
  addMember,
  asOwner,
  bearer,
  createOrganization,
  login,
  registerAndLogin,
  type TestUser,
} from './identity';

describe('organisations and members', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let adminA: TestUser;
  let adminB: TestUser;
  let orgA: { id: string; adminToken: string };
  let orgB: { id: string; adminToken: string };

  beforeAll(async () => {
    server = await bootApiServer();
    adminA = await registerAndLogin(http(), 'admin-a');
    adminB = await registerAndLogin(http(), 'admin-b');
    orgA = await createOrganization(http(), adminA, 'Alpha HOA');
    orgB = await createOrganization(http(), adminB, 'Beta Rentals');
  });
  afterAll(() => server.close());

  it("makes the creator org_admin and lists only the caller's organisations", async () => {
    const list = await request(http()).get('/api/v1/organizations').set(bearer(orgA.adminToken)).expect(200);
    expect(list.body).toEqual([
      expect.objectContaining({
        id: orgA.id,
        name: 'Alpha HOA',
        role: 'org_admin',
        slug: expect.stringMatching(/^alpha-hoa-/),
      }),
    ]);
    const members = await request(http())
      .get(`/api/v1/organizations/${orgA.id}/members`)
      .set(bearer(orgA.adminToken))
      .expect(200);
    expect(members.body).toMatchObject({
      total: 1,
      limit: 20,
      offset: 0,
      items: [{ userId: adminA.id, role: 'org_admin', email: adminA.email }],
    });
  });

  it('refuses a taken slug with 409 and a bad one with 400', async () => {
    await request(http())
      .post('/api/v1/organizations')
      .set(bearer(orgA.adminToken))
      .send({ name: 'Slugged', slug: 'unique-slug-1' })
      .expect(201);
    const taken = await request(http())
      .post('/api/v1/organizations')
      .set(bearer(orgB.adminToken))
      .send({ name: 'Other', slug: 'unique-slug-1' })
      .expect(409);
    expect(taken.body.error.code).toBe('SLUG_TAKEN');
    const bad = await request(http())
      .post('/api/v1/organizations')
      .set(bearer(orgB.adminToken))
      .send({ name: 'Other', slug: 'Not A Slug!' })
      .expect(400);
    expect(bad.body.error.details[0].field).toBe('slug');
  });

  it("never lets organisation A's admin read, list, change or delete organisation B or its members (404, nothing changed)", async () => {
    const membersBefore = await request(http())
      .get(`/api/v1/organizations/${orgB.id}/members`)
      .set(bearer(orgB.adminToken))
      .expect(200);
    const bMember = membersBefore.body.items[0];
    const a = bearer(orgA.adminToken);

    const attempts = [
      request(http()).get(`/api/v1/organizations/${orgB.id}`).set(a),
      request(http()).patch(`/api/v1/organizations/${orgB.id}`).set(a).send({ name: 'Hijacked' }),
      request(http()).get(`/api/v1/organizations/${orgB.id}/members`).set(a),
      request(http())
        .post(`/api/v1/organizations/${orgB.id}/invitations`)
        .set(a)
        .send({ email: adminA.email, role: 'org_admin' }),
      request(http()).get(`/api/v1/organizations/${orgB.id}/invitations`).set(a),
      request(http()).delete(`/api/v1/organizations/${orgB.id}/membership`).set(a),
      request(http())
        .patch(`/api/v1/organizations/${orgB.id}/members/${bMember.id}`)
        .set(a)
        .send({ role: 'tenant' }),
      request(http()).delete(`/api/v1/organizations/${orgB.id}/members/${bMember.id}`).set(a),
      // A's own organisation in the path, B's membership id: still not found.
      request(http()).delete(`/api/v1/organizations/${orgA.id}/members/${bMember.id}`).set(a),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toMatch(/NOT_FOUND/);
    }

    const b = await request(http())
      .get(`/api/v1/organizations/${orgB.id}`)
      .set(bearer(orgB.adminToken))
      .expect(200);
    expect(b.body.name).toBe('Beta Rentals');
    const membersAfter = await request(http())
      .get(`/api/v1/organizations/${orgB.id}/members`)
      .set(bearer(orgB.adminToken))
      .expect(200);
    expect(membersAfter.body).toEqual(membersBefore.body);
  });

  it('adds an existing user with a role (invited, accepted), changes it, and removes them (ending their sessions in that organisation)', async () => {
    const manager = await registerAndLogin(http(), 'manager');
    const member = await addMember(http(), orgA.adminToken, orgA.id, manager.email, 'manager');
    const dup = await request(http())
      .post(`/api/v1/organizations/${orgA.id}/invitations`)
      .set(bearer(orgA.adminToken))
      .send({ email: manager.email, role: 'tenant' })
      .expect(409);
    expect(dup.body.error.code).toBe('ALREADY_MEMBER');

    const managerToken = (await login(http(), manager.email, undefined, orgA.id)).accessToken;
    const seen = await request(http())
      .get(`/api/v1/organizations/${orgA.id}/members`)
      .set(bearer(managerToken))
      .expect(200);
    expect(seen.body.total).toBe(2);
    await request(http())
      .post(`/api/v1/organizations/${orgA.id}/invitations`)
      .set(bearer(managerToken))
      .send({ email: 'x@example.com', role: 'tenant' })
      .expect(403);

    const changed = await request(http())
      .patch(`/api/v1/organizations/${orgA.id}/members/${member.id}`)
      .set(bearer(orgA.adminToken))
      .send({ role: 'technical_manager' })
      .expect(200);
    expect(changed.body.role).toBe('technical_manager');

    await request(http())
      .delete(`/api/v1/organizations/${orgA.id}/members/${member.id}`)
      .set(bearer(orgA.adminToken))
      .expect(204);
    await request(http()).get('/api/v1/auth/me').set(bearer(managerToken)).expect(401);
    await request(http())
      .get(`/api/v1/organizations/${orgA.id}`)
      .set(bearer(manager.accessToken))
      .expect(404);

    const audit = await asOwner(server, (db) =>
      db.query(
        `SELECT action FROM audit_log WHERE organization_id = $1 AND entity_id = $2 ORDER BY created_at`,
        [orgA.id, member.id],
      ),
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'membership.added',
      'membership.role_changed',
      'membership.removed',
    ]);
  });

  it('keeps at least one org_admin', async () => {
    const members = await request(http())
      .get(`/api/v1/organizations/${orgB.id}/members`)
      .set(bearer(orgB.adminToken))
      .expect(200);
    const self = members.body.items[0];
    const demote = await request(http())
      .patch(`/api/v1/organizations/${orgB.id}/members/${self.id}`)
      .set(bearer(orgB.adminToken))
      .send({ role: 'manager' })
      .expect(409);
    expect(demote.body.error.code).toBe('LAST_ORG_ADMIN');
    await request(http())
      .delete(`/api/v1/organizations/${orgB.id}/members/${self.id}`)
      .set(bearer(orgB.adminToken))
      .expect(409);
  });

  it('validates member input', async () => {
    const res = await request(http())
      .post(`/api/v1/organizations/${orgA.id}/invitations`)
      .set(bearer(orgA.adminToken))
      .send({ email: 'nope', role: 'king' })
      .expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['email', 'role']);
    await request(http()).get(`/api/v1/organizations/not-a-uuid`).set(bearer(orgA.adminToken)).expect(400);
    await request(http())
      .get(`/api/v1/organizations/${orgA.id}/members?limit=500`)
      .set(bearer(orgA.adminToken))
      .expect(400);
  });
});
