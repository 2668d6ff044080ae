import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

interface Member {
  id: string;
  token: string;
}

/** Direct and building-wide conversations: idempotent sending, read state, events, access. */
describe('conversations', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let org: { id: string; adminToken: string };
  let admin: Member;
  let other: { id: string; adminToken: string };
  let otherAdminId: string;
  let buildingX: string;
  let buildingY: string;
  let tenantX: Member;
  let tenantY: Member;
  let technician: Member;

  const open = (token: string, body: Record<string, unknown>) =>
    request(http()).post('/api/v1/conversations').set(bearer(token)).send(body);
  const send = (token: string, conversationId: string, body: Record<string, unknown>) =>
    request(http())
      .post(`/api/v1/conversations/${conversationId}/messages`)
      .set(bearer(token))
      .send({ clientMessageId: randomUUID(), body: 'Hello', ...body });
  const list = async (token: string, query = 'limit=100') =>
    (await request(http()).get(`/api/v1/conversations?${query}`).set(bearer(token)).expect(200)).body as {
      items: {
        id: string;
        unreadCount: number;
        lastMessage: { id: string; preview: string } | null;
        participants: { userId: string }[];
      }[];
      total: number;
    };
  const count = (sql: string, params: unknown[]) =>
    asOwner(server, async (db) => (await db.query(sql, params)).rows[0].n as number);
  const messageEvents = (conversationId: string) =>
    asOwner(server, async (db) =>
      (
        await db.query(`SELECT payload FROM outbox WHERE type = 'message.sent' AND aggregate_id = $1`, [
          conversationId,
        ])
      ).rows.map((r: { payload: { messageId: string } }) => r.payload),
    );

  beforeAll(async () => {
    server = await bootApiServer();
    const adminUser = await registerAndLogin(http(), 'conv-admin');
    org = await createOrganization(http(), adminUser, 'Talking Org');
    admin = { id: adminUser.id, token: org.adminToken };
    const otherAdmin = await registerAndLogin(http(), 'conv-other');
    otherAdminId = otherAdmin.id;
    other = await createOrganization(http(), otherAdmin, 'Other Org');
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
    const resident = async (label: string, unitId: string): Promise<Member> => {
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
    tenantX = await resident('conv-tenant-x', await unit(buildingX));
    tenantY = await resident('conv-tenant-y', await unit(buildingY));
    const tech = await registerAndLogin(http(), 'conv-tech');
    await addMember(http(), org.adminToken, org.id, tech.email, 'technical_manager');
    technician = { id: tech.id, token: (await login(http(), tech.email, undefined, org.id)).accessToken };
  });
  afterAll(() => server.close());

  it('opens one direct conversation per pair: 201, then 200 with the same one (also when racing)', async () => {
    const first = await open(tenantX.token, { kind: 'direct', userId: admin.id, subject: 'Leaking tap' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      kind: 'direct',
      subject: 'Leaking tap',
      buildingId: null,
      participantCount: 2,
      lastMessage: null,
      unreadCount: 0,
    });
    expect(first.body.participants.map((p: { userId: string }) => p.userId).sort()).toEqual(
      [tenantX.id, admin.id].sort(),
    );
    const again = await open(admin.token, { kind: 'direct', userId: tenantX.id }).expect(200);
    expect(again.body.id).toBe(first.body.id);

    const racing = await Promise.all(
      Array.from({ length: 6 }, () => open(technician.token, { kind: 'direct', userId: tenantY.id })),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    expect(
      await count(`SELECT count(*)::int AS n FROM conversations WHERE direct_low_user_id = ANY($1)`, [
        [technician.id, tenantY.id],
      ]),
    ).toBe(1);
  });

  it('lets residents write to staff only, and only to members of the organisation', async () => {
    const toResident = await open(tenantX.token, { kind: 'direct', userId: tenantY.id }).expect(404);
    expect(toResident.body.error.code).toBe('RECIPIENT_NOT_FOUND');
    const foreign = await open(admin.token, { kind: 'direct', userId: otherAdminId }).expect(404);
    expect(foreign.body.error.code).toBe('RECIPIENT_NOT_FOUND');
    expect((await open(admin.token, { kind: 'direct', userId: admin.id }).expect(422)).body.error.code).toBe(
      'INVALID_CONVERSATION',
    );
    expect(
      (await open(admin.token, { kind: 'direct', buildingId: buildingX }).expect(422)).body.error.code,
    ).toBe('INVALID_CONVERSATION');
    const invalid = await open(admin.token, { kind: 'group', userId: 'nope', subject: '', extra: 1 }).expect(
      400,
    );
    expect([...new Set(invalid.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([
      'extra',
      'kind',
      'subject',
      'userId',
    ]);
  });

  it('sends, counts unread per participant, marks read, and notifies the other side', async () => {
    const conv = (await open(tenantX.token, { kind: 'direct', userId: admin.id }).expect(200)).body
      .id as string;
    const sent = await send(tenantX.token, conv, { body: '  The kitchen tap drips.  ' }).expect(201);
    expect(sent.body).toMatchObject({
      conversationId: conv,
      seq: 1,
      senderUserId: tenantX.id,
      body: 'The kitchen tap drips.',
      attachmentDocumentIds: [],
    });
    await send(tenantX.token, conv, { body: 'Since Monday.' }).expect(201);

    const adminView = (await list(admin.token)).items.find((c) => c.id === conv);
    expect(adminView).toMatchObject({ unreadCount: 2, lastMessage: { preview: 'Since Monday.' } });
    expect((await list(tenantX.token)).items.find((c) => c.id === conv)?.unreadCount).toBe(0);

    const upToFirst = await request(http())
      .post(`/api/v1/conversations/${conv}/read`)
      .set(bearer(admin.token))
      .send({ messageId: sent.body.id })
      .expect(200);
    expect(upToFirst.body).toEqual({ lastReadSeq: 1, unreadCount: 1 });
    const all = await request(http())
      .post(`/api/v1/conversations/${conv}/read`)
      .set(bearer(admin.token))
      .expect(200);
    expect(all.body).toEqual({ lastReadSeq: 2, unreadCount: 0 });
    // The mark never moves back.
    const back = await request(http())
      .post(`/api/v1/conversations/${conv}/read`)
      .set(bearer(admin.token))
      .send({ messageId: sent.body.id })
      .expect(200);
    expect(back.body).toEqual({ lastReadSeq: 2, unreadCount: 0 });
    expect((await list(admin.token)).items.find((c) => c.id === conv)?.unreadCount).toBe(0);
    await request(http())
      .post(`/api/v1/conversations/${conv}/read`)
      .set(bearer(admin.token))
      .send({ messageId: randomUUID() })
      .expect(404);

    const inbox = await request(http()).get('/api/v1/notifications').set(bearer(admin.token)).expect(200);
    expect(inbox.body.items).toContainEqual(
      expect.objectContaining({ type: 'message', body: 'Since Monday.', link: `/conversations/${conv}` }),
    );
    const own = await request(http()).get('/api/v1/notifications').set(bearer(tenantX.token)).expect(200);
    expect(own.body.items.filter((n: { type: string }) => n.type === 'message')).toEqual([]);

    // Conversations with the newest message come first.
    const techConv = (await open(technician.token, { kind: 'direct', userId: tenantY.id }).expect(200)).body
      .id as string;
    await send(technician.token, techConv, { body: 'Coming tomorrow' }).expect(201);
    await send(admin.token, conv, { body: 'A plumber is on the way.' }).expect(201);
    const order = (await list(admin.token)).items.map((c) => c.id);
    expect(order[0]).toBe(conv);
    expect(order).not.toContain(techConv);
  });

  it('sends a message once under concurrent retries; the same id with other content is 409', async () => {
    const conv = (await open(tenantY.token, { kind: 'direct', userId: technician.id }).expect(200)).body
      .id as string;
    const before = (await messageEvents(conv)).length;
    const clientMessageId = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        send(tenantY.token, conv, { clientMessageId, body: 'Is the heating fixed?' }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(responses.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(
      await count(`SELECT count(*)::int AS n FROM conversation_messages WHERE client_message_id = $1`, [
        clientMessageId,
      ]),
    ).toBe(1);
    const events = await messageEvents(conv);
    expect(events).toHaveLength(before + 1);
    expect(events.filter((e) => ids.has(e.messageId))).toEqual([
      expect.objectContaining({ conversationId: conv, conversationKind: 'direct', senderUserId: tenantY.id }),
    ]);

    expect(
      await count(
        `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND body = 'Is the heating fixed?'`,
        [technician.id],
      ),
    ).toBe(1);

    const reused = await send(tenantY.token, conv, { clientMessageId, body: 'Something else' }).expect(409);
    expect(reused.body.error.code).toBe('CLIENT_MESSAGE_ID_REUSED');
    // Another sender's id space is their own.
    await send(technician.token, conv, { clientMessageId, body: 'Yes' }).expect(201);
  });

  it("honours the recipient's in-app preference for messages", async () => {
    const conv = (await open(tenantY.token, { kind: 'direct', userId: technician.id }).expect(200)).body
      .id as string;
    const setInApp = (enabled: boolean) =>
      request(http())
        .put('/api/v1/notification-preferences')
        .set(bearer(technician.token))
        .send({ items: [{ type: 'message', channel: 'in_app', enabled }] })
        .expect(200);
    const received = (body: string) =>
      count(`SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND body = $2`, [
        technician.id,
        body,
      ]);
    await setInApp(false);
    await send(tenantY.token, conv, { body: 'Quiet message' }).expect(201);
    expect(await received('Quiet message')).toBe(0);
    await setInApp(true);
    await send(tenantY.token, conv, { body: 'Loud message' }).expect(201);
    expect(await received('Loud message')).toBe(1);
    // Unread counts do not depend on notifications.
    expect(
      (await list(technician.token)).items.find((c) => c.id === conv)?.unreadCount,
    ).toBeGreaterThanOrEqual(2);
  });

  it('writes the event in the transaction of the message: a failed send leaves neither', async () => {
    const conv = (await open(tenantX.token, { kind: 'direct', userId: admin.id }).expect(200)).body
      .id as string;
    const seqBefore = await count(`SELECT last_seq AS n FROM conversations WHERE id = $1`, [conv]);
    const eventsBefore = (await messageEvents(conv)).length;
    // Notifications are written last, after the message and the outbox event.
    await asOwner(server, (db) =>
      db.query(`
        CREATE FUNCTION conv_test_fail() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'notifications are down'; END $$;
        CREATE TRIGGER conv_test_fail BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION conv_test_fail();`),
    );
    const clientMessageId = randomUUID();
    try {
      await send(tenantX.token, conv, { clientMessageId, body: 'Lost?' }).expect(500);
    } finally {
      await asOwner(server, (db) =>
        db.query(`DROP TRIGGER conv_test_fail ON notifications; DROP FUNCTION conv_test_fail();`),
      );
    }
    expect(
      await count(`SELECT count(*)::int AS n FROM conversation_messages WHERE client_message_id = $1`, [
        clientMessageId,
      ]),
    ).toBe(0);
    expect(await messageEvents(conv)).toHaveLength(eventsBefore);
    expect(await count(`SELECT last_seq AS n FROM conversations WHERE id = $1`, [conv])).toBe(seqBefore);

    // The retry after the failure is a first send.
    const retried = await send(tenantX.token, conv, { clientMessageId, body: 'Lost?' }).expect(201);
    expect(retried.body.seq).toBe(seqBefore + 1);
    expect(await messageEvents(conv)).toHaveLength(eventsBefore + 1);
  });

  it("reaches a building's staff and current residents; everyone else gets 404", async () => {
    const refused = await open(tenantX.token, { kind: 'building', buildingId: buildingX }).expect(403);
    expect(refused.body.error.code).toBe('CONVERSATION_NOT_ALLOWED');
    await open(technician.token, { kind: 'building', buildingId: buildingX }).expect(403);
    const missing = await open(other.adminToken, { kind: 'building', buildingId: buildingX }).expect(404);
    expect(missing.body.error.code).toBe('BUILDING_NOT_FOUND');

    const created = await open(admin.token, {
      kind: 'building',
      buildingId: buildingX,
      subject: 'Lift repair',
    }).expect(201);
    const conv = created.body.id as string;
    expect(created.body).toMatchObject({ kind: 'building', buildingId: buildingX, participantCount: 1 });
    expect((await list(tenantX.token)).items.map((c) => c.id)).toContain(conv);
    expect((await list(technician.token)).items.map((c) => c.id)).toContain(conv);
    expect((await list(tenantY.token)).items.map((c) => c.id)).not.toContain(conv);
    expect((await list(other.adminToken)).items).toEqual([]);

    const sent = await send(tenantX.token, conv, { body: 'Which days?' }).expect(201);
    const notified = async (m: Member) =>
      (await request(http()).get('/api/v1/notifications').set(bearer(m.token)).expect(200)).body.items.some(
        (n: { link: string }) => n.link === `/conversations/${conv}`,
      );
    expect(await notified(admin)).toBe(true);
    expect(await notified(technician)).toBe(true);
    expect(await notified(tenantY)).toBe(false);
    expect((await list(technician.token)).items.find((c) => c.id === conv)?.unreadCount).toBe(1);
    // Posting made the resident a participant.
    const viewed = await request(http())
      .get(`/api/v1/conversations/${conv}`)
      .set(bearer(admin.token))
      .expect(200);
    expect(viewed.body.participants.map((p: { userId: string }) => p.userId).sort()).toEqual(
      [admin.id, tenantX.id].sort(),
    );

    for (const token of [tenantY.token, other.adminToken]) {
      const calls = [
        request(http()).get(`/api/v1/conversations/${conv}`).set(bearer(token)),
        request(http()).get(`/api/v1/conversations/${conv}/messages`).set(bearer(token)),
        request(http()).post(`/api/v1/conversations/${conv}/read`).set(bearer(token)),
        send(token, conv, { body: 'Let me in' }),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('CONVERSATION_NOT_FOUND');
      }
    }
    // A direct conversation is for its two members only, even for staff.
    const direct = (await open(tenantX.token, { kind: 'direct', userId: admin.id }).expect(200)).body.id;
    await request(http()).get(`/api/v1/conversations/${direct}`).set(bearer(technician.token)).expect(404);
    await request(http())
      .get(`/api/v1/conversations/${direct}/messages`)
      .set(bearer(other.adminToken))
      .expect(404);
    expect(
      (
        await request(http())
          .get(`/api/v1/conversations/${conv}/messages`)
          .set(bearer(tenantX.token))
          .expect(200)
      ).body.items[0].id,
    ).toBe(sent.body.id);
  });

  it('attaches documents the sender may see, and validates messages', async () => {
    const conv = (await open(tenantX.token, { kind: 'direct', userId: admin.id }).expect(200)).body
      .id as string;
    const doc = async (organizationId: string, visibility: string, buildingId: string | null) =>
      asOwner(
        server,
        async (db) =>
          (
            await db.query(
              `INSERT INTO documents (organization_id, title, category, visibility, status, file_name, object_key,
                 content_type, size_bytes, building_id)
               VALUES ($1, 'House rules', 'other', $2, 'active', 'rules.pdf', $3, 'application/pdf', 10, $4)
               RETURNING id`,
              [organizationId, visibility, `test/${randomUUID()}`, buildingId],
            )
          ).rows[0].id as string,
      );
    const forResidents = await doc(org.id, 'residents', buildingX);
    const forManagers = await doc(org.id, 'managers', buildingX);
    const foreign = await doc(other.id, 'residents', null);

    const ok = await send(tenantX.token, conv, { attachmentDocumentIds: [forResidents] }).expect(201);
    expect(ok.body.attachmentDocumentIds).toEqual([forResidents]);
    for (const id of [forManagers, foreign, randomUUID()]) {
      const res = await send(tenantX.token, conv, { attachmentDocumentIds: [id] }).expect(422);
      expect(res.body.error.code).toBe('INVALID_ATTACHMENT');
    }
    await send(admin.token, conv, { attachmentDocumentIds: [forManagers, forResidents] }).expect(201);

    const invalid = await request(http())
      .post(`/api/v1/conversations/${conv}/messages`)
      .set(bearer(tenantX.token))
      .send({
        clientMessageId: 'not-a-uuid',
        body: '   ',
        attachmentDocumentIds: Array.from({ length: 11 }, () => randomUUID()),
        urgent: true,
      })
      .expect(400);
    expect([...new Set(invalid.body.error.details.map((d: { field: string }) => d.field))].sort()).toEqual([
      'attachmentDocumentIds',
      'body',
      'clientMessageId',
      'urgent',
    ]);
    await send(tenantX.token, conv, { body: 'x'.repeat(5001) }).expect(400);
    await send(tenantX.token, conv, { body: 'x'.repeat(5000) }).expect(201);
    await request(http())
      .post(`/api/v1/conversations/${conv}/messages`)
      .set(bearer(tenantX.token))
      .send({ body: 'no id' })
      .expect(400);
  });

  it('pages messages newest first, with a cursor for older ones', async () => {
    const conv = (
      await open(admin.token, { kind: 'building', buildingId: buildingY, subject: 'Paging' }).expect(201)
    ).body.id as string;
    const sent: string[] = [];
    for (let i = 1; i <= 5; i++)
      sent.push((await send(admin.token, conv, { body: `m${i}` }).expect(201)).body.id);
    const page = await request(http())
      .get(`/api/v1/conversations/${conv}/messages?limit=2`)
      .set(bearer(tenantY.token))
      .expect(200);
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(page.body.items.map((m: { body: string }) => m.body)).toEqual(['m5', 'm4']);
    const older = await request(http())
      .get(`/api/v1/conversations/${conv}/messages?limit=10&before=${sent[2]}`)
      .set(bearer(tenantY.token))
      .expect(200);
    expect(older.body).toMatchObject({ total: 2 });
    expect(older.body.items.map((m: { body: string }) => m.body)).toEqual(['m2', 'm1']);
    expect(older.body.items[0].senderDisplayName).toEqual(expect.any(String));
    await request(http())
      .get(`/api/v1/conversations/${conv}/messages?limit=101`)
      .set(bearer(tenantY.token))
      .expect(400);
  });

  it('lists a page of conversations in a constant number of SQL statements, whatever its size', async () => {
    for (let i = 0; i < 12; i++) {
      const id = (
        await open(admin.token, { kind: 'building', buildingId: buildingX, subject: `Topic ${i}` }).expect(
          201,
        )
      ).body.id as string;
      await send(tenantX.token, id, { body: `Question ${i}` }).expect(201);
    }
    const ds = server.app.get(DataSource, { strict: false });
    const statements = async (token: string, limit: number) => {
      const seen: string[] = [];
      const spy = jest.spyOn(ds.logger, 'logQuery').mockImplementation((query: string) => {
        if (/conversation/.test(query)) seen.push(query);
      });
      try {
        const page = await list(token, `limit=${limit}`);
        expect(page.items).toHaveLength(Math.min(limit, page.total));
      } finally {
        spy.mockRestore();
      }
      return seen.length;
    };
    for (const member of [admin, tenantX]) {
      const one = await statements(member.token, 1);
      const many = await statements(member.token, 20);
      expect({ one, many }).toEqual({ one: 2, many: 2 });
    }
    const page = await list(admin.token, 'limit=20');
    expect(page.total).toBeGreaterThanOrEqual(13);
    expect(page.items.filter((c) => c.lastMessage?.preview.startsWith('Question'))).toHaveLength(12);
    expect(page.items.find((c) => c.lastMessage?.preview === 'Question 11')?.unreadCount).toBe(1);
  });
});
