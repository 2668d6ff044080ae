import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, startFakeOpenAiServer, type FakeOpenAiServer } from '@ppt/testing';
import { Client } from 'pg';
import request from 'supertest';
import type { BootedApiServer } from './boot';
import { bootDocumentsServer, createBuilding, type DocumentsServer } from './documents-fixtures';
import { addMember, asOwner, bearer, createOrganization, login, registerAndLogin } from './identity';

/**
 * The assistant's ownership rules and limits (review fixes): drafts are their author's alone, a
 * listing description needs the listing to be the caller's to manage, usage is recorded even when an
 * answer is cut short, budgets are reserved atomically, the platform default has a budget and a rate
 * limit, and chat, drafts and document search are rate-limited per user.
 */
describe('assistant limits and ownership', () => {
  let ds: DocumentsServer;
  let server: BootedApiServer;
  let openai: FakeOpenAiServer;
  const app = () => server.app.getHttpServer();

  const settings = (overrides: Record<string, unknown> = {}) => ({
    provider: 'openai',
    baseUrl: openai.baseUrl,
    model: 'gpt-test',
    apiKey: 'sk-good',
    temperature: 0.2,
    maxTokens: 256,
    ...overrides,
  });
  const newConversation = async (token: string) =>
    (await request(app()).post('/api/v1/assistant/conversations').set(bearer(token)).send({}).expect(201))
      .body as { id: string };
  const ask = (conversationId: string, content: string, token: string) =>
    request(app())
      .post(`/api/v1/assistant/conversations/${conversationId}/messages`)
      .set(bearer(token))
      .send({ content });
  /** The organisation's usage ledger, read as the owner within the organisation. */
  const ledger = (organizationId: string) =>
    asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [organizationId]);
      const res = await db.query(
        `SELECT feature, input_tokens, output_tokens FROM assistant_usage WHERE organization_id = $1`,
        [organizationId],
      );
      await db.query('COMMIT');
      return res.rows as { feature: string; input_tokens: number; output_tokens: number }[];
    });
  const newOrg = async (label: string) => {
    const admin = await registerAndLogin(app(), label);
    return { ...(await createOrganization(app(), admin)), admin };
  };
  const member = async (
    org: { id: string; adminToken: string },
    label: string,
    role: 'manager' | 'realtor',
  ) => {
    const user = await registerAndLogin(app(), label);
    const { userId } = await addMember(app(), org.adminToken, org.id, user.email, role);
    return { userId, token: (await login(app(), user.email, undefined, org.id)).accessToken };
  };

  beforeAll(async () => {
    openai = await startFakeOpenAiServer({ apiKeys: ['sk-good', 'sk-platform'] });
    ds = await bootDocumentsServer({
      env: {
        SECRETS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        ASSISTANT_TIMEOUT_MS: '5000',
        ASSISTANT_IDLE_TIMEOUT_MS: '5000',
        ASSISTANT_ATTEMPTS: '1',
        ASSISTANT_DEFAULT_PROVIDER: 'openai',
        ASSISTANT_DEFAULT_BASE_URL: openai.baseUrl,
        ASSISTANT_DEFAULT_MODEL: 'platform-model',
        ASSISTANT_DEFAULT_API_KEY: 'sk-platform',
        ASSISTANT_DEFAULT_MONTHLY_TOKENS: '50000',
        ASSISTANT_DEFAULT_REQUESTS_PER_MINUTE: '3',
        ASSISTANT_USER_REQUESTS_PER_MINUTE: '6',
        DOCUMENT_SEARCH_REQUESTS_PER_MINUTE: '2',
      },
    });
    server = ds.server;
  });

  afterAll(async () => {
    await ds?.close();
    await openai?.close();
  });

  it("B1: a realtor neither sees nor edits a manager's lease draft (404), and RLS keeps drafts to their author", async () => {
    const org = await newOrg('drafts-admin');
    await request(app())
      .put('/api/v1/assistant/settings')
      .set(bearer(org.adminToken))
      .send(settings())
      .expect(200);
    const manager = await member(org, 'drafts-manager', 'manager');
    const realtor = await member(org, 'drafts-realtor', 'realtor');
    const place = await createBuilding(app(), org.adminToken, ['3']);
    const person = (
      await request(app())
        .post('/api/v1/people')
        .set(bearer(org.adminToken))
        .send({ firstName: 'Petr', lastName: 'Svoboda', email: 'petr@example.com' })
        .expect(201)
    ).body as { id: string };
    const lease = (
      await request(app())
        .post('/api/v1/leases')
        .set(bearer(org.adminToken))
        .send({
          unitId: place.unitIds[0],
          primaryTenantId: person.id,
          leaseNumber: 'L-OWN-1',
          startDate: '2027-01-01',
          endDate: '2027-12-31',
          rentAmount: 1500000,
          depositAmount: 3000000,
          currency: 'czk',
          paymentDay: 10,
        })
        .expect(201)
    ).body as { id: string };
    const draft = (
      await request(app())
        .post('/api/v1/assistant/drafts/lease')
        .set(bearer(manager.token))
        .send({ leaseId: lease.id })
        .expect(201)
    ).body as { id: string };

    const seen = await request(app())
      .get(`/api/v1/assistant/drafts/${draft.id}`)
      .set(bearer(realtor.token))
      .expect(404);
    expect(seen.body.error.code).toBe('AI_DRAFT_NOT_FOUND');
    expect(
      (
        await request(app())
          .patch(`/api/v1/assistant/drafts/${draft.id}`)
          .set(bearer(realtor.token))
          .send({ variants: ['Rewritten by someone else'] })
          .expect(404)
      ).body.error.code,
    ).toBe('AI_DRAFT_NOT_FOUND');
    const listed = await request(app())
      .get(`/api/v1/assistant/drafts?subjectId=${lease.id}`)
      .set(bearer(realtor.token))
      .expect(200);
    expect(listed.body.items).toEqual([]);
    // The author still reads it, unchanged.
    const own = await request(app())
      .get(`/api/v1/assistant/drafts/${draft.id}`)
      .set(bearer(manager.token))
      .expect(200);
    expect(own.body.variants[0]).not.toBe('Rewritten by someone else');

    // The database says so too: api-server's role, in the organisation as the realtor, sees no row.
    const db = new Client({ connectionString: server.db.appUrl });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [org.id]);
      await db.query(`SELECT set_config('app.current_user', $1, true)`, [realtor.userId]);
      expect((await db.query(`SELECT id FROM assistant_drafts`)).rows).toEqual([]);
      await db.query(`SELECT set_config('app.current_user', $1, true)`, [manager.userId]);
      expect((await db.query(`SELECT id FROM assistant_drafts`)).rows).toEqual([{ id: draft.id }]);
      await db.query('ROLLBACK');
    } finally {
      await db.end();
    }
  });

  it("5: a realtor cannot have another realtor's listing described (404)", async () => {
    const org = await newOrg('listing-admin');
    await request(app())
      .put('/api/v1/assistant/settings')
      .set(bearer(org.adminToken))
      .send(settings())
      .expect(200);
    const mine = await member(org, 'listing-realtor-a', 'realtor');
    const other = await member(org, 'listing-realtor-b', 'realtor');
    const listing = (
      await request(app())
        .post('/api/v1/listings')
        .set(bearer(mine.token))
        .send({
          transaction: 'sale',
          propertyType: 'house',
          title: 'Family house with a garden',
          priceAmount: 950000000,
          currency: 'czk',
          areaM2: 160.5,
          rooms: 5,
          features: ['garden'],
          addressLine: 'Lipová 7',
          city: 'Brno',
          postalCode: '602 00',
          country: 'cz',
        })
        .expect(201)
    ).body as { id: string };
    const refused = await request(app())
      .post('/api/v1/assistant/drafts/listing-description')
      .set(bearer(other.token))
      .send({ listingId: listing.id, language: 'cs' })
      .expect(404);
    expect(refused.body.error.code).toBe('AI_SUBJECT_NOT_FOUND');
    await request(app())
      .post('/api/v1/assistant/drafts/listing-description')
      .set(bearer(mine.token))
      .send({ listingId: listing.id, language: 'cs' })
      .expect(201);
  });

  it('B4: an answer cut short by the client still writes its usage', async () => {
    const org = await newOrg('abort-admin');
    await request(app())
      .put('/api/v1/assistant/settings')
      .set(bearer(org.adminToken))
      .send(settings())
      .expect(200);
    const conversation = await newConversation(org.adminToken);
    openai.mode = 'slow';
    openai.slowMs = 150;
    try {
      const { port } = app().address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: `/api/v1/assistant/conversations/${conversation.id}/messages`,
            headers: { ...bearer(org.adminToken), 'content-type': 'application/json' },
          },
          (res) => {
            res.on('data', (chunk: Buffer) => {
              if (chunk.toString().includes('event: token')) {
                req.destroy();
                resolve();
              }
            });
          },
        );
        req.on('error', () => undefined);
        req.setTimeout(5000, () => reject(new Error('no token')));
        req.end(JSON.stringify({ content: 'A long answer please' }));
      });
      await eventually(() => openai.requests.at(-1)!.aborted);
      // The provider's usage comes only with the last chunk: an estimate is recorded instead.
      await eventually(async () => (await ledger(org.id)).some((u) => u.feature === 'chat'));
      const [row] = (await ledger(org.id)).filter((u) => u.feature === 'chat');
      expect(row.input_tokens).toBeGreaterThan(0);
      expect(row.output_tokens).toBeGreaterThan(0);
    } finally {
      openai.mode = 'normal';
    }
  });

  it('3: concurrent requests cannot overspend the budget: each reserves its share atomically', async () => {
    const org = await newOrg('race-admin');
    await request(app())
      .put('/api/v1/assistant/settings')
      .set(bearer(org.adminToken))
      .send(settings({ monthlyTokenBudget: 1000 }))
      .expect(200);
    const conversations = await Promise.all([1, 2, 3, 4].map(() => newConversation(org.adminToken)));
    openai.mode = 'slow';
    openai.slowMs = 300;
    try {
      const answers = await Promise.all(
        conversations.map((c, i) => ask(c.id, `Question ${i}`, org.adminToken)),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 429, 429, 429]);
      expect(answers.filter((a) => a.status === 429).map((a) => a.body.error.code)).toEqual([
        'AI_BUDGET_EXCEEDED',
        'AI_BUDGET_EXCEEDED',
        'AI_BUDGET_EXCEEDED',
      ]);
    } finally {
      openai.mode = 'normal';
    }
    // The reservation was settled with the real usage, and given back: the budget counts the ledger.
    expect((await ledger(org.id)).filter((u) => u.feature === 'chat')).toHaveLength(1);
    const again = await ask(conversations[0].id, 'Once more', org.adminToken).expect(200);
    expect(again.text).toContain('event: done');
  });

  it('B4: the platform default has a monthly budget and a per-organisation rate limit', async () => {
    const spent = await newOrg('platform-spent');
    const settingsSeen = await request(app())
      .get('/api/v1/assistant/settings')
      .set(bearer(spent.adminToken))
      .expect(200);
    expect(settingsSeen.body).toMatchObject({
      source: 'platform',
      monthlyTokenBudget: 50000,
      requestsPerMinute: 3,
    });
    await asOwner(server, async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.current_org', $1, true)`, [spent.id]);
      await db.query(
        `INSERT INTO assistant_usage (organization_id, feature, input_tokens, output_tokens, cost_micros)
         VALUES ($1, 'chat', 40000, 10000, 0)`,
        [spent.id],
      );
      await db.query('COMMIT');
    });
    const calls = openai.requests.length;
    const conversation = await newConversation(spent.adminToken);
    const over = await ask(conversation.id, 'Anything?', spent.adminToken).expect(429);
    expect(over.body.error.code).toBe('AI_BUDGET_EXCEEDED');
    expect(openai.requests.length).toBe(calls);

    const busy = await newOrg('platform-busy');
    const talk = await newConversation(busy.adminToken);
    for (const n of [1, 2, 3]) await ask(talk.id, `Message ${n}`, busy.adminToken).expect(200);
    const limited = await ask(talk.id, 'Message 4', busy.adminToken).expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers['ratelimit-policy']).toContain('"assistant-org";q=3;w=60');
  });

  it('B4: drafts and document search are rate-limited per user (429 RATE_LIMITED)', async () => {
    const org = await newOrg('limits-admin');
    await request(app())
      .put('/api/v1/assistant/settings')
      .set(bearer(org.adminToken))
      .send(settings())
      .expect(200);
    for (let n = 1; n <= 6; n++)
      await request(app())
        .post('/api/v1/assistant/drafts/announcement')
        .set(bearer(org.adminToken))
        .send({ topic: `Notice ${n}`, language: 'en', variants: 1 })
        .expect(201);
    const refused = await request(app())
      .post('/api/v1/assistant/drafts/announcement')
      .set(bearer(org.adminToken))
      .send({ topic: 'Notice 7', language: 'en', variants: 1 })
      .expect(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(refused.headers['ratelimit-policy']).toContain('"assistant-user";q=6;w=60');

    const search = () =>
      request(app()).get('/api/v1/assistant/search').query({ q: 'heating' }).set(bearer(org.adminToken));
    await search().expect(200);
    await search().expect(200);
    const tooMany = await search().expect(429);
    expect(tooMany.body.error.code).toBe('RATE_LIMITED');
    expect(Number(tooMany.headers['retry-after'])).toBeGreaterThan(0);
  });
});
