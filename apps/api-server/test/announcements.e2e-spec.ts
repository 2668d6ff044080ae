import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

/** Announcements with audiences, receipts and comments; in-app notifications and preferences. */
describe('announcements and notifications', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let buildingX: string;
  let buildingY: string;
  let unitX: string;
  let unitY: string;
  let tenantX: { id: string; token: string };
  let tenantY: { id: string; token: string };
  let technician: { id: string; token: string };

  const create = async (body: Record<string, unknown>) =>
    (
      await request(http())
        .post('/api/v1/announcements')
        .set(bearer(org.adminToken))
        .send({ title: 'Notice', body: 'Text', audienceType: 'organization', ...body })
        .expect(201)
    ).body as { id: string; status: string };
  const publish = (id: string) =>
    request(http()).post(`/api/v1/announcements/${id}/publish`).set(bearer(org.adminToken));
  const visible = async (token: string) =>
    (
      (await request(http()).get('/api/v1/announcements?limit=100').set(bearer(token)).expect(200)).body
        .items as {
        id: string;
      }[]
    ).map((a) => a.id);

  beforeAll(async () => {
    server = await bootApiServer();
    org = await createOrganization(http(), await registerAndLogin(http(), 'ann-admin'), 'Announcing Org');
    other = await createOrganization(http(), await registerAndLogin(http(), 'ann-other'), 'Other Org');
    const building = async (name: string) =>
      (
        await request(http())
          .post('/api/v1/buildings')
          .set(bearer(org.adminToken))
          .send({ name, addressLine: `${name} 1`, city: 'Praha', postalCode: '110 00', country: 'CZ' })
          .expect(201)
      ).body.id as string;
    buildingX = await building('X');
    buildingY = await building('Y');
    const unit = async (buildingId: string) =>
      (
        await request(http())
          .post('/api/v1/units')
          .set(bearer(org.adminToken))
          .send({ buildingId, number: '1' })
          .expect(201)
      ).body.id as string;
    unitX = await unit(buildingX);
    unitY = await unit(buildingY);
    const resident = async (label: string, unitId: string) => {
      const user = await registerAndLogin(http(), label);
      await addMember(http(), org.adminToken, org.id, user.email, 'tenant');
      const person = await request(http())
        .post('/api/v1/people')
        .set(bearer(org.adminToken))
        .send({ firstName: label, lastName: 'Resident', userId: user.id })
        .expect(201);
      await request(http())
        .post(`/api/v1/units/${unitId}/occupants`)
        .set(bearer(org.adminToken))
        .send({ personId: person.body.id, relation: 'tenant', startsOn: '2024-01-01' })
        .expect(201);
      return { id: user.id, token: (await login(http(), user.email, undefined, org.id)).accessToken };
    };
    tenantX = await resident('tenant-x', unitX);
    tenantY = await resident('tenant-y', unitY);
    const tech = await registerAndLogin(http(), 'technician');
    await addMember(http(), org.adminToken, org.id, tech.email, 'technical_manager');
    technician = { id: tech.id, token: (await login(http(), tech.email, undefined, org.id)).accessToken };
  });
  afterAll(() => server.close());

  it("reaches only its audience: a tenant of building X never sees building Y's announcement", async () => {
    const forX = await create({
      title: 'Water off in X',
      audienceType: 'buildings',
      audienceBuildingIds: [buildingX],
      urgent: true,
    });
    expect(forX.status).toBe('draft');
    expect(await visible(tenantX.token)).not.toContain(forX.id);
    await request(http()).get(`/api/v1/announcements/${forX.id}`).set(bearer(tenantX.token)).expect(404);

    await publish(forX.id).expect(200);
    expect(await visible(tenantX.token)).toContain(forX.id);
    expect(await visible(tenantY.token)).not.toContain(forX.id);
    await request(http()).get(`/api/v1/announcements/${forX.id}`).set(bearer(tenantY.token)).expect(404);

    const forUnitY = await create({ audienceType: 'units', audienceUnitIds: [unitY] });
    const forTechnicians = await create({ audienceType: 'roles', audienceRoles: ['technical_manager'] });
    const forEveryone = await create({ audienceType: 'organization' });
    for (const a of [forUnitY, forTechnicians, forEveryone]) await publish(a.id).expect(200);
    expect(await visible(tenantY.token)).toEqual(expect.arrayContaining([forUnitY.id, forEveryone.id]));
    expect(await visible(tenantY.token)).not.toContain(forTechnicians.id);
    expect(await visible(tenantX.token)).not.toContain(forUnitY.id);
    expect(await visible(technician.token)).toEqual(
      expect.arrayContaining([forTechnicians.id, forEveryone.id]),
    );
    expect(await visible(technician.token)).not.toContain(forX.id);
    await request(http())
      .get(`/api/v1/announcements/${forEveryone.id}`)
      .set(bearer(other.adminToken))
      .expect(404);

    const events = await asOwner(server, (db) =>
      db.query(`SELECT type, payload FROM outbox WHERE aggregate_id = $1`, [forX.id]),
    );
    expect(events.rows).toEqual([
      {
        type: 'announcement.published',
        payload: {
          announcementId: forX.id,
          title: 'Water off in X',
          urgent: true,
          audienceType: 'buildings',
        },
      },
    ]);
  });

  it('records reads and acknowledgements and reports who has and has not', async () => {
    const notice = await create({
      title: 'House rules',
      audienceType: 'organization',
      requiresAcknowledgement: true,
    });
    await publish(notice.id).expect(200);
    await request(http())
      .post(`/api/v1/announcements/${notice.id}/read`)
      .set(bearer(tenantX.token))
      .expect(204);
    await request(http())
      .post(`/api/v1/announcements/${notice.id}/acknowledge`)
      .set(bearer(tenantY.token))
      .expect(204);
    await request(http())
      .post(`/api/v1/announcements/${notice.id}/read`)
      .set(bearer(tenantY.token))
      .expect(204);

    const report = await request(http())
      .get(`/api/v1/announcements/${notice.id}/receipts`)
      .set(bearer(org.adminToken))
      .expect(200);
    const byUser = new Map(
      (report.body.items as { userId: string; readAt: string | null; acknowledgedAt: string | null }[]).map(
        (r) => [r.userId, r],
      ),
    );
    expect(report.body).toMatchObject({ audience: 4, read: 2, acknowledged: 1 });
    expect(byUser.get(tenantX.id)).toMatchObject({ readAt: expect.any(String), acknowledgedAt: null });
    expect(byUser.get(tenantY.id)).toMatchObject({
      readAt: expect.any(String),
      acknowledgedAt: expect.any(String),
    });
    expect(byUser.get(technician.id)).toMatchObject({ readAt: null, acknowledgedAt: null });

    const own = await request(http())
      .get(`/api/v1/announcements/${notice.id}`)
      .set(bearer(tenantY.token))
      .expect(200);
    expect(own.body.acknowledgedAt).toEqual(expect.any(String));
    await request(http())
      .get(`/api/v1/announcements/${notice.id}/receipts`)
      .set(bearer(tenantX.token))
      .expect(403);

    const plain = await create({ title: 'FYI' });
    await publish(plain.id).expect(200);
    const notAsked = await request(http())
      .post(`/api/v1/announcements/${plain.id}/acknowledge`)
      .set(bearer(tenantX.token))
      .expect(422);
    expect(notAsked.body.error.code).toBe('ACKNOWLEDGEMENT_NOT_REQUESTED');
  });

  it('schedules for later, lists what is due, and enforces the flow', async () => {
    const later = await create({ title: 'Chimney sweep next month' });
    const past = await request(http())
      .post(`/api/v1/announcements/${later.id}/schedule`)
      .set(bearer(org.adminToken))
      .send({ publishAt: '2020-01-01T00:00:00.000Z' })
      .expect(422);
    expect(past.body.error.code).toBe('PUBLISH_AT_IN_PAST');
    const scheduled = await request(http())
      .post(`/api/v1/announcements/${later.id}/schedule`)
      .set(bearer(org.adminToken))
      .send({ publishAt: new Date(Date.now() + 3600_000).toISOString() })
      .expect(200);
    expect(scheduled.body.status).toBe('scheduled');
    const notYet = await request(http())
      .get('/api/v1/announcements/due')
      .set(bearer(org.adminToken))
      .expect(200);
    expect(notYet.body.items.map((a: { id: string }) => a.id)).not.toContain(later.id);
    await asOwner(server, (db) =>
      db.query(`UPDATE announcements SET publish_at = now() - interval '1 minute' WHERE id = $1`, [later.id]),
    );
    const due = await request(http())
      .get('/api/v1/announcements/due')
      .set(bearer(org.adminToken))
      .expect(200);
    expect(due.body.items.map((a: { id: string }) => a.id)).toContain(later.id);
    await publish(later.id).expect(200);

    const edit = await request(http())
      .patch(`/api/v1/announcements/${later.id}`)
      .set(bearer(org.adminToken))
      .send({ title: 'Changed' })
      .expect(409);
    expect(edit.body.error.code).toBe('ANNOUNCEMENT_NOT_EDITABLE');
    const draft = await create({});
    expect(
      (
        await request(http())
          .post(`/api/v1/announcements/${draft.id}/archive`)
          .set(bearer(org.adminToken))
          .expect(409)
      ).body.error.code,
    ).toBe('INVALID_TRANSITION');
    const before = await asOwner(
      server,
      async (db) => (await db.query(`SELECT count(*)::int AS n FROM outbox`)).rows[0].n,
    );
    await publish(later.id).expect(409);
    expect(
      await asOwner(
        server,
        async (db) => (await db.query(`SELECT count(*)::int AS n FROM outbox`)).rows[0].n,
      ),
    ).toBe(before);
    await request(http())
      .post(`/api/v1/announcements/${later.id}/archive`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(await visible(tenantX.token)).not.toContain(later.id);
  });

  it('validates audiences and keeps writing to managers', async () => {
    const empty = await request(http())
      .post('/api/v1/announcements')
      .set(bearer(org.adminToken))
      .send({ title: 'x', body: 'y', audienceType: 'buildings' })
      .expect(422);
    expect(empty.body.error.code).toBe('INVALID_AUDIENCE');
    const foreign = await request(http())
      .post('/api/v1/announcements')
      .set(bearer(other.adminToken))
      .send({ title: 'x', body: 'y', audienceType: 'buildings', audienceBuildingIds: [buildingX] })
      .expect(422);
    expect(foreign.body.error.code).toBe('INVALID_AUDIENCE');
    const invalid = await request(http())
      .post('/api/v1/announcements')
      .set(bearer(org.adminToken))
      .send({ title: '', body: 'y', audienceType: 'street', audienceRoles: ['king'], pinned: 'yes' })
      .expect(400);
    expect([...new Set(invalid.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([
      'audienceRoles',
      'audienceType',
      'pinned',
      'title',
    ]);
    await request(http())
      .post('/api/v1/announcements')
      .set(bearer(tenantX.token))
      .send({ title: 'x', body: 'y', audienceType: 'organization' })
      .expect(403);
  });

  it('attaches only active documents of the organisation, as messages do', async () => {
    const doc = async (organizationId: string, status: string) =>
      asOwner(
        server,
        async (db) =>
          (
            await db.query(
              `INSERT INTO documents (organization_id, title, category, visibility, status, file_name, object_key,
                 content_type, size_bytes)
               VALUES ($1, 'Plan', 'other', 'residents', $2, 'plan.pdf', $3, 'application/pdf', 10)
               RETURNING id`,
              [organizationId, status, `test/${randomUUID()}`],
            )
          ).rows[0].id as string,
      );
    const mine = await doc(org.id, 'active');
    const pending = await doc(org.id, 'pending');
    const foreign = await doc(other.id, 'active');
    const attached = await request(http())
      .post('/api/v1/announcements')
      .set(bearer(org.adminToken))
      .send({
        title: 'Plan',
        body: 'See the plan',
        audienceType: 'organization',
        attachmentDocumentIds: [mine],
      })
      .expect(201);
    expect(attached.body.attachmentDocumentIds).toEqual([mine]);
    for (const id of [foreign, pending, randomUUID()]) {
      const created = await request(http())
        .post('/api/v1/announcements')
        .set(bearer(org.adminToken))
        .send({ title: 'x', body: 'y', audienceType: 'organization', attachmentDocumentIds: [mine, id] })
        .expect(422);
      expect(created.body.error.code).toBe('INVALID_ATTACHMENT');
      const updated = await request(http())
        .patch(`/api/v1/announcements/${attached.body.id}`)
        .set(bearer(org.adminToken))
        .send({ attachmentDocumentIds: [mine, id] })
        .expect(422);
      expect(updated.body.error.code).toBe('INVALID_ATTACHMENT');
    }
    const unchanged = await request(http())
      .get(`/api/v1/announcements/${attached.body.id}`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(unchanged.body.attachmentDocumentIds).toEqual([mine]);
  });

  it('lets the audience comment, nobody else', async () => {
    const forX = await create({ audienceType: 'buildings', audienceBuildingIds: [buildingX] });
    await publish(forX.id).expect(200);
    await request(http())
      .post(`/api/v1/announcements/${forX.id}/comments`)
      .set(bearer(tenantX.token))
      .send({ body: 'Will the lift work?' })
      .expect(201);
    await request(http())
      .post(`/api/v1/announcements/${forX.id}/comments`)
      .set(bearer(tenantY.token))
      .send({ body: 'Not my building' })
      .expect(404);
    const list = await request(http())
      .get(`/api/v1/announcements/${forX.id}/comments`)
      .set(bearer(org.adminToken))
      .expect(200);
    expect(
      list.body.items.map((c: { body: string; authorUserId: string }) => [c.body, c.authorUserId]),
    ).toEqual([['Will the lift work?', tenantX.id]]);
  });

  it('notifies the audience in-app unless they turned it off, and tracks what they read', async () => {
    const first = await create({
      title: 'Garden party',
      audienceType: 'buildings',
      audienceBuildingIds: [buildingY],
    });
    await publish(first.id).expect(200);
    const inbox = await request(http())
      .get('/api/v1/notifications?unread=true')
      .set(bearer(tenantY.token))
      .expect(200);
    const party = (inbox.body.items as { id: string; title: string; link: string }[]).find(
      (n) => n.title === 'Garden party',
    );
    expect(party).toMatchObject({ link: `/announcements/${first.id}` });
    const xInbox = await request(http()).get('/api/v1/notifications').set(bearer(tenantX.token)).expect(200);
    expect(xInbox.body.items.map((n: { title: string }) => n.title)).not.toContain('Garden party');

    await request(http())
      .post(`/api/v1/notifications/${party?.id}/read`)
      .set(bearer(tenantY.token))
      .expect(204);
    await request(http())
      .post(`/api/v1/notifications/${party?.id}/read`)
      .set(bearer(tenantX.token))
      .expect(404);
    const marked = await request(http())
      .post('/api/v1/notifications/read-all')
      .set(bearer(tenantY.token))
      .expect(200);
    expect(marked.body.marked).toBeGreaterThanOrEqual(0);
    expect(
      (await request(http()).get('/api/v1/notifications').set(bearer(tenantY.token)).expect(200)).body.unread,
    ).toBe(0);

    const defaults = await request(http())
      .get('/api/v1/notification-preferences')
      .set(bearer(tenantY.token))
      .expect(200);
    expect(defaults.body.items).toContainEqual({
      type: 'announcement',
      channel: 'in_app',
      enabled: true,
      isDefault: true,
    });
    expect(defaults.body.items).toContainEqual({
      type: 'announcement',
      channel: 'push',
      enabled: false,
      isDefault: true,
    });
    const updated = await request(http())
      .put('/api/v1/notification-preferences')
      .set(bearer(tenantY.token))
      .send({ items: [{ type: 'announcement', channel: 'in_app', enabled: false }] })
      .expect(200);
    expect(updated.body.items).toContainEqual({
      type: 'announcement',
      channel: 'in_app',
      enabled: false,
      isDefault: false,
    });
    await request(http())
      .put('/api/v1/notification-preferences')
      .set(bearer(tenantY.token))
      .send({ items: [{ type: 'announcement', channel: 'pigeon', enabled: true }] })
      .expect(400);
    const twice = await request(http())
      .put('/api/v1/notification-preferences')
      .set(bearer(tenantY.token))
      .send({
        items: [
          { type: 'announcement', channel: 'in_app', enabled: true },
          { type: 'announcement', channel: 'email', enabled: false },
          { type: 'announcement', channel: 'in_app', enabled: false },
        ],
      })
      .expect(400);
    expect(twice.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'items' }] });
    const kept = await request(http())
      .get('/api/v1/notification-preferences')
      .set(bearer(tenantY.token))
      .expect(200);
    expect(kept.body.items).toContainEqual({
      type: 'announcement',
      channel: 'in_app',
      enabled: false,
      isDefault: false,
    });

    const second = await create({
      title: 'Second party',
      audienceType: 'buildings',
      audienceBuildingIds: [buildingY],
    });
    await publish(second.id).expect(200);
    const after = await request(http()).get('/api/v1/notifications').set(bearer(tenantY.token)).expect(200);
    expect(after.body.items.map((n: { title: string }) => n.title)).not.toContain('Second party');
    expect(after.body.unread).toBe(0);
  });

  it('reports the recipients fixed at publication, whoever moves in or out afterwards', async () => {
    const person = async (label: string, role: 'tenant' | 'owner') => {
      const user = await registerAndLogin(http(), label);
      const membership = await addMember(http(), org.adminToken, org.id, user.email, role);
      const created = await request(http())
        .post('/api/v1/people')
        .set(bearer(org.adminToken))
        .send({ firstName: label, lastName: 'Resident', userId: user.id })
        .expect(201);
      const token = (await login(http(), user.email, undefined, org.id)).accessToken;
      return { id: user.id, token, membershipId: membership.id, personId: created.body.id as string };
    };
    const occupy = async (personId: string) =>
      (
        await request(http())
          .post(`/api/v1/units/${unitX}/occupants`)
          .set(bearer(org.adminToken))
          .send({ personId, relation: 'tenant', startsOn: '2024-01-01' })
          .expect(201)
      ).body.id as string;
    const mover = await person('ann-mover', 'tenant');
    const moverOccupancy = await occupy(mover.personId);
    const leaver = await person('ann-leaver', 'owner');
    await occupy(leaver.personId);

    const notice = await create({
      title: 'Lift inspection',
      audienceType: 'buildings',
      audienceBuildingIds: [buildingX],
      requiresAcknowledgement: true,
    });
    const everyone = await create({ title: 'Annual meeting' });
    const published = (await publish(notice.id).expect(200)).body as { publishedAt: string };
    await publish(everyone.id).expect(200);
    const report = async (id: string) =>
      (
        await request(http())
          .get(`/api/v1/announcements/${id}/receipts`)
          .set(bearer(org.adminToken))
          .expect(200)
      ).body as {
        audience: number;
        read: number;
        acknowledged: number;
        items: {
          userId: string;
          role: string | null;
          deliveredAt: string;
          readAt: string | null;
          acknowledgedAt: string | null;
        }[];
      };
    const everyoneBefore = await report(everyone.id);

    await request(http())
      .post(`/api/v1/announcements/${notice.id}/acknowledge`)
      .set(bearer(mover.token))
      .expect(204);
    await request(http())
      .post(`/api/v1/announcements/${notice.id}/read`)
      .set(bearer(leaver.token))
      .expect(204);
    // The mover's tenancy ended yesterday; the leaver is no longer a member at all.
    const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);
    await request(http())
      .post(`/api/v1/units/${unitX}/occupants/${moverOccupancy}/end`)
      .set(bearer(org.adminToken))
      .send({ endsOn: yesterday })
      .expect(204);
    await request(http())
      .delete(`/api/v1/organizations/${org.id}/members/${leaver.membershipId}`)
      .set(bearer(org.adminToken))
      .expect(204);
    const newcomer = await person('ann-newcomer', 'tenant');
    await occupy(newcomer.personId);

    const after = await report(notice.id);
    const byUser = new Map(after.items.map((r) => [r.userId, r]));
    expect([...byUser.keys()].sort()).toEqual([tenantX.id, mover.id, leaver.id].sort());
    expect(after).toMatchObject({ audience: 3, read: 2, acknowledged: 1 });
    expect(after.audience).toBe(after.items.length);
    expect(after.read).toBe(after.items.filter((r) => r.readAt).length);
    expect(after.acknowledged).toBe(after.items.filter((r) => r.acknowledgedAt).length);
    expect(byUser.get(mover.id)).toMatchObject({
      role: 'tenant',
      readAt: expect.any(String),
      acknowledgedAt: expect.any(String),
    });
    expect(byUser.get(leaver.id)).toMatchObject({
      role: null,
      readAt: expect.any(String),
      acknowledgedAt: null,
    });
    expect(byUser.get(tenantX.id)).toMatchObject({ readAt: null, acknowledgedAt: null });
    for (const row of after.items) expect(row.deliveredAt).toBe(published.publishedAt);
    // Unread first.
    expect(after.items[0].userId).toBe(tenantX.id);

    // Members who joined later were never sent either announcement: not "not read", and not theirs.
    const everyoneAfter = await report(everyone.id);
    expect(everyoneAfter.items.map((r) => r.userId)).not.toContain(newcomer.id);
    expect(everyoneAfter.audience).toBe(everyoneBefore.audience);
    expect(everyoneAfter.items.map((r) => r.userId).sort()).toEqual(
      everyoneBefore.items.map((r) => r.userId).sort(),
    );
    expect(everyoneAfter.items.map((r) => r.userId)).toContain(leaver.id);
    for (const id of [notice.id, everyone.id]) {
      await request(http()).get(`/api/v1/announcements/${id}`).set(bearer(newcomer.token)).expect(404);
      await request(http()).post(`/api/v1/announcements/${id}/read`).set(bearer(newcomer.token)).expect(404);
    }
    expect(await visible(newcomer.token)).not.toContain(everyone.id);
    // What was delivered stays with a member who moved out.
    expect(await visible(mover.token)).toContain(notice.id);

    // Editors see everything but leave receipts only where they were recipients.
    const notRecipient = await request(http())
      .post(`/api/v1/announcements/${notice.id}/read`)
      .set(bearer(org.adminToken))
      .expect(403);
    expect(notRecipient.body.error.code).toBe('NOT_A_RECIPIENT');
    await request(http())
      .post(`/api/v1/announcements/${everyone.id}/read`)
      .set(bearer(org.adminToken))
      .expect(204);

    // Another organisation cannot see the report or leave receipts.
    await request(http())
      .get(`/api/v1/announcements/${notice.id}/receipts`)
      .set(bearer(other.adminToken))
      .expect(404);
    await request(http())
      .post(`/api/v1/announcements/${everyone.id}/read`)
      .set(bearer(other.adminToken))
      .expect(404);
  });
});
