import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import { NotificationJob, QueueName } from '@ppt/queue';
import {
  closedPort,
  eventually,
  startFakePushService,
  startMailCatcher,
  type FakePushService,
  type PushStatus,
  type MailCatcher,
} from '@ppt/testing';
import type { Queue } from 'bull';
import type { ParsedMail } from 'mailparser';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { generateVAPIDKeys } from 'web-push';
import { NotificationDeliveryService, NotificationReminders } from '@ppt/api-community-core';
import { bootApiServer, createTestWorker, type BootedApiServer } from './boot';
import { addMember, asOwner, bearer, createOrganization, registerAndLogin, type TestUser } from './identity';

const vapid = generateVAPIDKeys();

/** A header as sent (unfolded): mailparser folds the List-* headers into one parsed object. */
function rawHeader(message: ParsedMail, key: string): string | undefined {
  const line = message.headerLines.find((h) => h.key === key)?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r\n\s+/g, ' ')
    .trim();
}

/** Runs `check` until it stops throwing (assertions included), within `timeoutMs`. */
function retrying<T>(check: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  return eventually(async () => {
    try {
      return { value: await check() };
    } catch {
      return undefined;
    }
  }, timeoutMs)
    .then((r) => r.value)
    .catch(async () => check());
}

/**
 * Notifications that reach people: in-app rows, e-mail over real SMTP (a local server, messages
 * parsed) and Web Push to a local push service that verifies the VAPID JWT and decrypts the payload.
 */
describe('notification delivery', () => {
  let server: BootedApiServer;
  let worker: INestApplication;
  let mail: MailCatcher;
  let push: FakePushService;
  let admin: TestUser;
  let org: { id: string; adminToken: string };
  const http = () => server.app.getHttpServer();
  const service = () => server.app.get(NotificationDeliveryService, { strict: false });
  const queue = () => server.app.get<Queue>(getQueueToken(QueueName.Notifications), { strict: false });
  const mailsTo = (address: string) => mail.messages.filter((m) => JSON.stringify(m.to).includes(address));
  const deliveries = (userId: string) =>
    asOwner(
      server,
      async (db) =>
        (
          await db.query(
            `SELECT job_id, channel, status, attempts, provider_id, error, digest, not_before FROM notification_deliveries
            WHERE user_id = $1 ORDER BY created_at, channel`,
            [userId],
          )
        ).rows as {
          job_id: string;
          channel: string;
          status: string;
          attempts: number;
          provider_id: string | null;
          error: string | null;
          digest: boolean;
          not_before: Date | null;
        }[],
    );
  const inApp = (userId: string) =>
    asOwner(
      server,
      async (db) =>
        (await db.query(`SELECT title FROM notifications WHERE user_id = $1`, [userId])).rows as {
          title: string;
        }[],
    );

  /** A member who wants e-mail and push for fault updates, with one push device. */
  async function member(label: string, pushStatus: PushStatus = 201) {
    const user = await registerAndLogin(http(), label);
    await addMember(http(), org.adminToken, org.id, user.email, 'technical_manager');
    const token = (
      await request(http())
        .post('/api/v1/auth/switch-organization')
        .set(bearer(user.accessToken))
        .send({ organizationId: org.id })
        .expect(200)
    ).body.accessToken as string;
    await request(http())
      .put('/api/v1/notification-preferences')
      .set(bearer(token))
      .send({
        items: [
          { type: 'fault_update', channel: 'email', enabled: true },
          { type: 'fault_update', channel: 'push', enabled: true },
        ],
      })
      .expect(200);
    const device = push.subscribe(pushStatus);
    await request(http())
      .post('/api/v1/push-subscriptions')
      .set(bearer(token))
      .send({ endpoint: device.endpoint, keys: device.keys, deviceLabel: label })
      .expect(201);
    return { ...user, token, device };
  }

  beforeAll(async () => {
    mail = await startMailCatcher();
    push = await startFakePushService();
    server = await bootApiServer({
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: mail.url,
      MAIL_FROM: 'PPT <no-reply@example.test>',
      APP_PUBLIC_URL: 'https://app.example.test',
      API_PUBLIC_URL: 'https://api.example.test',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.test',
      NOTIFICATION_ATTEMPTS: '3',
      NOTIFICATION_RETRY_DELAY_MS: '20',
    });
    worker = await createTestWorker(server);
    await worker.init();
    admin = await registerAndLogin(http(), 'admin');
    org = await createOrganization(http(), admin, 'Green Gardens');
  });
  afterAll(async () => {
    await worker.close();
    await server.close();
    await push.close();
    await mail.close();
  });

  it('tells staff of a new fault in-app, by e-mail (text + HTML, one-click unsubscribe) and by Web Push', async () => {
    const staff = await member('staff');
    const reporter = await member('reporter');
    const building = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'N House', addressLine: 'A 1', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id as string;
    const fault = await request(http())
      .post('/api/v1/faults')
      .set(bearer(reporter.token))
      .send({ buildingId: building, title: 'Broken lift', description: 'Stuck on 3', category: 'other' })
      .expect(201);

    const message = await mail.waitFor(
      (m) => JSON.stringify(m.to).includes(staff.email) && m.subject?.includes('Broken lift') === true,
      15_000,
    );
    expect(message.subject).toContain('Broken lift');
    expect(message.from?.value[0]).toEqual({
      name: 'Green Gardens via PPT',
      address: 'no-reply@example.test',
    });
    expect(message.text).toContain(`https://app.example.test/faults/${fault.body.id}`);
    expect(message.html).toContain(`<a href="https://app.example.test/faults/${fault.body.id}">`);
    const unsubscribe = rawHeader(message, 'list-unsubscribe') ?? '';
    expect(unsubscribe).toMatch(
      /^<https:\/\/api\.example\.test\/api\/v1\/notifications\/unsubscribe\?token=[\w.-]+>$/,
    );
    expect(rawHeader(message, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    const pushed = await retrying(() => {
      const found = push.received.find((p) => p.path === new URL(staff.device.endpoint).pathname);
      if (!found) throw new Error('no push yet');
      return found;
    });
    expect(push.refused).toEqual([]);
    expect(pushed.claims.sub).toBe('mailto:ops@example.test');
    expect(pushed.vapidKey).toBe(vapid.publicKey);
    expect(JSON.parse(pushed.plaintext)).toMatchObject({
      title: expect.stringContaining('Broken lift'),
      type: 'fault_update',
      url: `https://app.example.test/faults/${fault.body.id}`,
    });
    // Every staff member (the admin too) is told; the reporter is not told of their own report.
    expect((await inApp(staff.id)).map((n) => n.title)).toEqual([expect.stringContaining('Broken lift')]);
    expect((await inApp(admin.id)).map((n) => n.title)).toEqual([expect.stringContaining('Broken lift')]);
    expect(await inApp(reporter.id)).toEqual([]);
    await retrying(async () => {
      const rows = await deliveries(staff.id);
      expect(rows.map((r) => [r.channel, r.status])).toEqual([
        ['email', 'sent'],
        ['in_app', 'sent'],
        ['push', 'sent'],
      ]);
      expect(rows.find((r) => r.channel === 'email')?.provider_id).toBe(message.messageId);
      expect(rows.find((r) => r.channel === 'push')?.provider_id).toMatch(/\/messages\/\d+$/);
    });

    // RFC 8058 one-click: a POST without signing in turns that type's e-mails off.
    const url = new URL(unsubscribe.slice(1, -1));
    const done = await request(http())
      .post(`${url.pathname}${url.search}`)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(done.body).toEqual({ type: 'fault_update', channel: 'email' });
    const prefs = await request(http())
      .get('/api/v1/notification-preferences')
      .set(bearer(staff.token))
      .expect(200);
    expect(prefs.body.items).toContainEqual({
      type: 'fault_update',
      channel: 'email',
      enabled: false,
      isDefault: false,
    });
  });

  it('tells the assignee of an assignment and the reporter of a status change, never the actor', async () => {
    const assignee = await member('assignee');
    const reporter = await member('reporter2');
    const building = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'A House', addressLine: 'B 2', city: 'Praha', postalCode: '110 00', country: 'CZ' })
        .expect(201)
    ).body.id as string;
    const fault = (
      await request(http())
        .post('/api/v1/faults')
        .set(bearer(reporter.token))
        .send({ buildingId: building, title: 'Dripping tap', description: 'Kitchen', category: 'plumbing' })
        .expect(201)
    ).body.id as string;
    await request(http())
      .patch(`/api/v1/faults/${fault}`)
      .set(bearer(org.adminToken))
      .send({ assigneeUserId: assignee.id })
      .expect(200);
    await mail.waitFor(
      (m) => JSON.stringify(m.to).includes(assignee.email) && m.subject === 'Assigned to you: Dripping tap',
      15_000,
    );
    await request(http())
      .post(`/api/v1/faults/${fault}/status`)
      .set(bearer(assignee.token))
      .send({ status: 'triaged' })
      .expect(200);
    await mail.waitFor(
      (m) => JSON.stringify(m.to).includes(reporter.email) && m.subject === 'Fault triaged: Dripping tap',
      15_000,
    );
    // The assignee changed the status: they are not told about it.
    await retrying(async () =>
      expect((await inApp(reporter.id)).map((n) => n.title)).toContain('Fault triaged: Dripping tap'),
    );
    expect((await inApp(assignee.id)).map((n) => n.title)).not.toContain('Fault triaged: Dripping tap');
  });

  it('refuses a forged or altered unsubscribe token (400, nothing changed)', async () => {
    const token = service().tokens.sign({ organizationId: org.id, userId: admin.id, type: 'vote' });
    const altered = token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const res = await request(http()).post(`/api/v1/notifications/unsubscribe?token=${altered}`).expect(400);
    expect(res.body.error.code).toBe('INVALID_UNSUBSCRIBE_TOKEN');
    await request(http()).get(`/api/v1/notifications/unsubscribe?token=${altered}`).expect(400);
    const page = await request(http()).get(`/api/v1/notifications/unsubscribe?token=${token}`).expect(200);
    expect(page.text).toContain('<form method="post"');
  });

  it('sends nothing twice for the same event and recipient (job id = event + recipient + channel)', async () => {
    const user = await member('dedupe');
    const key = randomUUID();
    const n = {
      type: 'fault_update' as const,
      title: 'Once only',
      body: 'x',
      link: null as unknown as string,
    };
    const first = await service().dispatch(org.id, key, [user.id, user.id], n);
    const second = await service().dispatch(org.id, key, [user.id], n);
    expect(first).toEqual({ inApp: 1, queued: 2 });
    expect(second.inApp).toBe(0);
    await mail.waitFor((m) => m.subject === 'Once only');
    await retrying(async () =>
      expect((await deliveries(user.id)).every((r) => r.status === 'sent')).toBe(true),
    );
    expect(mailsTo(user.email).filter((m) => m.subject === 'Once only')).toHaveLength(1);
    expect(push.received.filter((p) => p.path === new URL(user.device.endpoint).pathname)).toHaveLength(1);
    expect((await inApp(user.id)).filter((r) => r.title === 'Once only')).toHaveLength(1);
  });

  it('removes a push subscription the push service says is gone (410 and 404)', async () => {
    for (const status of [410, 404] as const) {
      const user = await member(`gone${status}`, status);
      await service().dispatch(org.id, randomUUID(), [user.id], {
        type: 'fault_update',
        title: `Gone ${status}`,
      });
      await retrying(async () => {
        const list = await request(http())
          .get('/api/v1/push-subscriptions')
          .set(bearer(user.token))
          .expect(200);
        expect(list.body).toEqual([]);
      });
      await retrying(async () =>
        expect((await deliveries(user.id)).find((r) => r.channel === 'push')?.status).toBe('skipped'),
      );
    }
  });

  it('honours preferences (e-mail off: no e-mail) and quiet hours (e-mail and push wait until they end)', async () => {
    const user = await member('quiet');
    await request(http())
      .put('/api/v1/notification-preferences')
      .set(bearer(user.token))
      .send({
        items: [
          { type: 'vote', channel: 'email', enabled: false },
          { type: 'vote', channel: 'push', enabled: false },
        ],
      })
      .expect(200);
    await service().dispatch(org.id, randomUUID(), [user.id], { type: 'vote', title: 'Vote opened' });
    expect((await deliveries(user.id)).map((r) => r.channel)).toEqual(['in_app']);

    // A window around now, in the user's time zone.
    const now = new Date();
    const hh = (d: Date) => d.toISOString().slice(11, 16);
    await request(http())
      .put('/api/v1/notification-settings')
      .set(bearer(user.token))
      .send({
        quietHoursStart: hh(new Date(now.getTime() - 3600_000)),
        quietHoursEnd: hh(new Date(now.getTime() + 2 * 3600_000)),
        timeZone: 'UTC',
        emailDigest: false,
      })
      .expect(200);
    const key = randomUUID();
    await service().dispatch(org.id, key, [user.id], { type: 'fault_update', title: 'Quiet please' });
    const held = (await deliveries(user.id)).filter((r) => r.job_id.startsWith(key));
    expect(held.map((r) => [r.channel, r.status])).toEqual([
      ['email', 'queued'],
      ['in_app', 'sent'],
      ['push', 'queued'],
    ]);
    const job = await queue().getJob(`${key}:${user.id}:email`);
    expect(await job?.getState()).toBe('delayed');
    expect(job?.opts.delay).toBeGreaterThan(3600_000);
    expect(mailsTo(user.email).filter((m) => m.subject === 'Quiet please')).toEqual([]);

    const bad = await request(http())
      .put('/api/v1/notification-settings')
      .set(bearer(user.token))
      .send({ quietHoursStart: '25:00', quietHoursEnd: null, timeZone: 'Mars/Base', emailDigest: false })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const zone = await request(http())
      .put('/api/v1/notification-settings')
      .set(bearer(user.token))
      .send({ quietHoursStart: null, quietHoursEnd: null, timeZone: 'Mars/Base', emailDigest: false })
      .expect(400);
    expect(zone.body.error.code).toBe('INVALID_TIME_ZONE');
  });

  it('gathers e-mails into one daily digest for users who chose it', async () => {
    const user = await member('digest');
    await request(http())
      .put('/api/v1/notification-settings')
      .set(bearer(user.token))
      .send({ quietHoursStart: null, quietHoursEnd: null, timeZone: 'Europe/Prague', emailDigest: true })
      .expect(200);
    for (const title of ['First news', 'Second news'])
      await service().dispatch(org.id, randomUUID(), [user.id], { type: 'fault_update', title });
    const digests = (await queue().getDelayed()).filter((j) => j.data.userId === user.id);
    expect(digests).toHaveLength(1);
    await digests[0].promote();
    const message = await mail.waitFor(
      (m) => JSON.stringify(m.to).includes(user.email) && m.subject?.includes('2 updates') === true,
      10_000,
    );
    expect(message.text).toContain('First news');
    expect(message.text).toContain('Second news');
    expect(rawHeader(message, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('reminds occupants of units with meters once when a reading period opens (hourly pass, keyed by the period)', async () => {
    const occupant = await member('occupant');
    const outsider = await member('no-meter');
    // Occupies the metered unit too, but is removed from the organisation before the reminder.
    const former = await member('removed');
    const building = (
      await request(http())
        .post('/api/v1/buildings')
        .set(bearer(org.adminToken))
        .send({ name: 'R House', addressLine: 'R 1', city: 'Brno', postalCode: '602 00', country: 'CZ' })
        .expect(201)
    ).body.id as string;
    const unit = async (number: string) =>
      (
        await request(http())
          .post('/api/v1/units')
          .set(bearer(org.adminToken))
          .send({ buildingId: building, number })
          .expect(201)
      ).body.id as string;
    const metered = await unit('1');
    const bare = await unit('2');
    await request(http())
      .post('/api/v1/meters')
      .set(bearer(org.adminToken))
      .send({ unitId: metered, type: 'water_cold', serialNumber: `R-${randomUUID().slice(0, 8)}` })
      .expect(201);
    await asOwner(server, async (db) => {
      for (const [user, unitId] of [
        [occupant.id, metered],
        [outsider.id, bare],
        [former.id, metered],
      ]) {
        const person = (
          await db.query(
            `INSERT INTO people (organization_id, first_name, last_name, user_id) VALUES ($1, 'R', 'Occupant', $2) RETURNING id`,
            [org.id, user],
          )
        ).rows[0].id as string;
        await db.query(
          `INSERT INTO unit_occupants (organization_id, unit_id, person_id, relation, starts_on) VALUES ($1, $2, $3, 'tenant', current_date - 10)`,
          [org.id, unitId, person],
        );
      }
    });
    const pushSubscriptionsOf = (userId: string) =>
      asOwner(
        server,
        async (db) =>
          (await db.query(`SELECT count(*)::int AS n FROM push_subscriptions WHERE user_id = $1`, [userId]))
            .rows[0].n as number,
      );
    expect(await pushSubscriptionsOf(former.id)).toBe(1);
    const membershipId = await asOwner(
      server,
      async (db) =>
        (
          await db.query(`SELECT id FROM memberships WHERE organization_id = $1 AND user_id = $2`, [
            org.id,
            former.id,
          ])
        ).rows[0].id as string,
    );
    await request(http())
      .delete(`/api/v1/organizations/${org.id}/members/${membershipId}`)
      .set(bearer(org.adminToken))
      .expect(204);
    // Their devices stop receiving the organisation's notifications with the membership.
    expect(await pushSubscriptionsOf(former.id)).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const deadline = new Date(Date.now() + 10 * 86400_000).toISOString().slice(0, 10);
    await request(http())
      .post('/api/v1/reading-periods')
      .set(bearer(org.adminToken))
      .send({ name: 'Winter readings', startsOn: today, deadline })
      .expect(201);

    const reminders = worker.get(NotificationReminders, { strict: false });
    await reminders.run();
    await reminders.run();
    await mail.waitFor(
      (m) =>
        JSON.stringify(m.to).includes(occupant.email) &&
        m.subject === 'Meter readings: Winter readings is open',
      15_000,
    );
    expect((await inApp(occupant.id)).filter((n) => n.title.includes('Winter readings'))).toHaveLength(1);
    expect(await inApp(outsider.id)).toEqual([]);
    // The person row keeps its account link, but the account is no longer a member: not told.
    expect(await inApp(former.id)).toEqual([]);
    expect(mailsTo(former.email).filter((m) => m.subject?.includes('Winter readings'))).toEqual([]);
    await retrying(async () =>
      expect(mailsTo(occupant.email).filter((m) => m.subject?.includes('Winter readings'))).toHaveLength(1),
    );
  });

  it("sends the portal's saved-search alert to the visitor's address (text + HTML, one-click unsubscribe)", async () => {
    const visitor = await registerAndLogin(http(), 'portal-visitor');
    await queue().add(
      NotificationJob.SavedSearchAlert,
      {
        userId: visitor.id,
        unsubscribeAllUrl: 'https://portal-api.example.test/api/v1/saved-searches/unsubscribe?token=all',
        searches: [
          {
            name: 'Praha rentals',
            unsubscribeUrl: 'https://portal-api.example.test/api/v1/saved-searches/unsubscribe?token=one',
            listings: [
              {
                title: 'Byt <2+kk>',
                url: 'https://portal.example.test/listings/1',
                price: '20000 CZK',
                city: 'Praha',
              },
            ],
          },
        ],
      },
      { jobId: `saved-search-alert:${visitor.id}:test` },
    );
    const message = await mail.waitFor(
      (m) => JSON.stringify(m.to).includes(visitor.email) && m.subject === '1 new listing: Praha rentals',
      15_000,
    );
    expect(message.text).toContain('- Byt <2+kk>, Praha, 20000 CZK: https://portal.example.test/listings/1');
    expect(message.html).toContain('<a href="https://portal.example.test/listings/1">Byt &lt;2+kk&gt;</a>');
    expect(rawHeader(message, 'list-unsubscribe')).toBe(
      '<https://portal-api.example.test/api/v1/saved-searches/unsubscribe?token=all>',
    );
    expect(rawHeader(message, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('keeps at most 10 push subscriptions per user and takes only https endpoints on port 443', async () => {
    const user = await member('many-devices');
    const add = (endpoint: string, keys = push.subscribe(201).keys) =>
      request(http()).post('/api/v1/push-subscriptions').set(bearer(user.token)).send({ endpoint, keys });
    for (let i = 2; i <= 10; i++) await add(push.subscribe(201).endpoint).expect(201);
    const eleventh = await add(push.subscribe(201).endpoint).expect(409);
    expect(eleventh.body.error.code).toBe('PUSH_SUBSCRIPTION_LIMIT');
    // A known endpoint again only refreshes its keys.
    await add(user.device.endpoint, user.device.keys).expect(201);
    const list = await request(http()).get('/api/v1/push-subscriptions').set(bearer(user.token)).expect(200);
    expect(list.body).toHaveLength(10);

    const other = await member('port-check');
    for (const endpoint of [
      'https://push.example.com:8443/wpush/v2/abc',
      'https://push.example.com:80/wpush/v2/abc',
    ]) {
      const refused = await request(http())
        .post('/api/v1/push-subscriptions')
        .set(bearer(other.token))
        .send({ endpoint, keys: other.device.keys })
        .expect(400);
      expect(refused.body.error.code).toBe('INVALID_PUSH_ENDPOINT');
    }
    await request(http())
      .post('/api/v1/push-subscriptions')
      .set(bearer(other.token))
      .send({ endpoint: 'https://push.example.com:443/wpush/v2/abc', keys: other.device.keys })
      .expect(201);
  });

  it('treats a redirect from a push service as refused: one attempt, no retry, the subscription kept', async () => {
    const user = await member('redirected', 307);
    await service().dispatch(org.id, randomUUID(), [user.id], { type: 'fault_update', title: 'Moved' });
    const row = await retrying(async () => {
      const found = (await deliveries(user.id)).find((r) => r.channel === 'push');
      expect(found?.status).toBe('failed');
      return found;
    });
    expect(row).toMatchObject({ attempts: 1, error: expect.stringMatching(/307|redirect/i) });
    expect(push.received.filter((p) => p.path === new URL(user.device.endpoint).pathname)).toHaveLength(1);
    const list = await request(http()).get('/api/v1/push-subscriptions').set(bearer(user.token)).expect(200);
    expect(list.body).toHaveLength(1);
  });

  it("sends to all of a user's devices at once", async () => {
    const user = await member('two-devices');
    const second = push.subscribe(201);
    await request(http())
      .post('/api/v1/push-subscriptions')
      .set(bearer(user.token))
      .send({ endpoint: second.endpoint, keys: second.keys })
      .expect(201);
    // The push service answers neither device until both requests are open: one after the other
    // would never get past the first.
    push.holdUntilConcurrent(2);
    await service().dispatch(org.id, randomUUID(), [user.id], { type: 'fault_update', title: 'Both' });
    await retrying(async () =>
      expect((await deliveries(user.id)).find((r) => r.channel === 'push')?.status).toBe('sent'),
    );
    for (const endpoint of [user.device.endpoint, second.endpoint]) {
      expect(push.received.filter((p) => p.path === new URL(endpoint).pathname)).toHaveLength(1);
    }
  });

  it('refuses a push endpoint that is not https (or an allow-listed test address) with 400', async () => {
    const user = await member('endpoint');
    const res = await request(http())
      .post('/api/v1/push-subscriptions')
      .set(bearer(user.token))
      .send({ endpoint: 'http://10.0.0.1/push/x', keys: user.device.keys })
      .expect(400);
    expect(res.body.error.code).toBe('INVALID_PUSH_ENDPOINT');
    const missing = await request(http())
      .delete(`/api/v1/push-subscriptions/${randomUUID()}`)
      .set(bearer(user.token))
      .expect(404);
    expect(missing.body.error.code).toBe('PUSH_SUBSCRIPTION_NOT_FOUND');
  });
});

describe('notification delivery with SMTP down', () => {
  let server: BootedApiServer;
  let worker: INestApplication;

  beforeAll(async () => {
    server = await bootApiServer({
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
      NOTIFICATION_ATTEMPTS: '3',
      NOTIFICATION_RETRY_DELAY_MS: '20',
    });
    worker = await createTestWorker(server);
    await worker.init();
  });
  afterAll(async () => {
    await worker.close();
    await server.close();
  });

  it('retries with backoff, then leaves a dead letter (failed job, failed row); in-app is unaffected', async () => {
    const http = server.app.getHttpServer();
    const admin = await registerAndLogin(http, 'down');
    const org = await createOrganization(http, admin);
    const key = randomUUID();
    const delivery = server.app.get(NotificationDeliveryService, { strict: false });
    const result = await delivery.dispatch(org.id, key, [admin.id], {
      type: 'announcement',
      title: 'Water off',
    });
    expect(result).toEqual({ inApp: 1, queued: 1 });
    const list = await request(http).get('/api/v1/notifications').set(bearer(org.adminToken)).expect(200);
    expect(list.body.items.map((n: { title: string }) => n.title)).toEqual(['Water off']);

    const queue = server.app.get<Queue>(getQueueToken(QueueName.Notifications), { strict: false });
    const job = await retrying(async () => {
      const failed = (await queue.getFailed()).find((j) => j.id === `${key}:${admin.id}:email`);
      if (!failed) throw new Error('not failed yet');
      return failed;
    }, 15_000);
    expect(job.attemptsMade).toBe(3);
    const rows = await asOwner(
      server,
      async (db) =>
        (
          await db.query(`SELECT status, attempts, error FROM notification_deliveries WHERE job_id = $1`, [
            `${key}:${admin.id}:email`,
          ])
        ).rows,
    );
    expect(rows).toEqual([
      { status: 'failed', attempts: 3, error: expect.stringMatching(/ECONNREFUSED|connect/i) },
    ]);
  });
});
