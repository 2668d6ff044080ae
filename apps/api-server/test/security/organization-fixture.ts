import { samplePdf } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import type { BootedApiServer } from '../boot';
import {
  addMember,
  bearer,
  createOAuthClient,
  createOrganization,
  login,
  registerAndLogin,
} from '../identity';

export const MEMBER_ROLES = ['manager', 'technical_manager', 'owner', 'tenant', 'realtor'] as const;
export type SeededRole = 'org_admin' | (typeof MEMBER_ROLES)[number];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HOUR = 60 * 60 * 1000;

/** An organisation with a record in every feature, every text field carrying its unique `marker`. */
export interface SeededOrganization {
  id: string;
  marker: string;
  /** A token acting in this organisation per role. */
  tokens: Record<SeededRole, string>;
  users: Record<SeededRole, { id: string; email: string }>;
  /** Ids by the resource name routes use for them (`buildings`, `members`, `ballots` …). */
  ids: Map<string, string[]>;
  /** Every UUID any answer to the set-up showed: ids of its rows, users, sessions … */
  seenIds: Set<string>;
}

/**
 * Creates an organisation through the API as its users would (members in every role, then
 * buildings, units, people, occupancies, a lease with an addendum, vendor, faults, meters and readings,
 * a reading period, an announcement with a comment, an open vote with a ballot and a delegation,
 * charges with a payment, an expense, documents, an upload session, a listing with an inquiry, a
 * conversation and an inspection), collecting every id it is shown.
 */
export async function seedOrganization(
  server: BootedApiServer,
  label: string,
  serviceToken: string,
): Promise<SeededOrganization> {
  const http = server.app.getHttpServer();
  const marker = `mrk${label}${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const seenIds = new Set<string>();
  const ids = new Map<string, string[]>();
  const remember = (kind: string, id: unknown) => {
    if (typeof id !== 'string') throw new Error(`seeding ${kind} returned no id`);
    ids.set(kind, [...(ids.get(kind) ?? []), id]);
    return id;
  };
  const see = (body: unknown) => {
    for (const id of JSON.stringify(body ?? null).match(UUID) ?? []) seenIds.add(id.toLowerCase());
    return body;
  };
  const call = async (
    token: string,
    method: 'get' | 'post' | 'patch',
    path: string,
    body?: object,
    status?: number,
  ) => {
    const req = request(http)[method](`/api/v1${path}`).set(bearer(token));
    const res = await (body ? req.send(body) : req);
    if (status !== undefined && res.status !== status) {
      throw new Error(`${method.toUpperCase()} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    }
    see(res.body);
    return res.body;
  };

  const admin = await registerAndLogin(http, `${marker}-admin`);
  const org = await createOrganization(http, admin, `Org ${marker}`);
  remember('organizations', org.id);
  seenIds.add(admin.id);
  const users = { org_admin: { id: admin.id, email: admin.email } } as SeededOrganization['users'];
  const tokens = { org_admin: org.adminToken } as SeededOrganization['tokens'];
  for (const role of MEMBER_ROLES) {
    const user = await registerAndLogin(http, `${marker}-${role}`);
    const member = see(await addMember(http, org.adminToken, org.id, user.email, role)) as { id: string };
    remember('members', member.id);
    users[role] = { id: user.id, email: user.email };
    tokens[role] = (await login(http, user.email, undefined, org.id)).accessToken;
  }
  const boss = tokens.org_admin;

  const building = remember(
    'buildings',
    (
      await call(
        boss,
        'post',
        '/buildings',
        {
          name: `House ${marker}`,
          addressLine: `${marker} 1`,
          city: 'Praha',
          postalCode: '120 00',
          country: 'CZ',
        },
        201,
      )
    ).id,
  );
  const unit = remember(
    'units',
    (
      await call(
        boss,
        'post',
        '/units',
        {
          buildingId: building,
          number: `A-${marker}`,
          ownershipShareNumerator: 1,
          ownershipShareDenominator: 2,
        },
        201,
      )
    ).id,
  );
  remember(
    'units',
    (
      await call(
        boss,
        'post',
        '/units',
        {
          buildingId: building,
          number: `B-${marker}`,
          ownershipShareNumerator: 1,
          ownershipShareDenominator: 2,
        },
        201,
      )
    ).id,
  );
  const person = async (role: 'owner' | 'tenant', relation: 'owner' | 'tenant') => {
    const created = await call(
      boss,
      'post',
      '/people',
      { firstName: `${role}${marker}`, lastName: marker, userId: users[role].id, phone: '+420 601 000 000' },
      201,
    );
    remember('people', created.id);
    const occupant = await call(
      boss,
      'post',
      `/units/${unit}/occupants`,
      { personId: created.id, relation, startsOn: '2020-01-01' },
      201,
    );
    remember('occupants', occupant.id);
    return created.id as string;
  };
  const ownerPerson = await person('owner', 'owner');
  const tenantPerson = await person('tenant', 'tenant');
  // Residents' tokens learn their units at login.
  tokens.owner = (await login(http, users.owner.email, undefined, org.id)).accessToken;
  tokens.tenant = (await login(http, users.tenant.email, undefined, org.id)).accessToken;

  const lease = remember(
    'leases',
    (
      await call(
        boss,
        'post',
        '/leases',
        {
          unitId: unit,
          primaryTenantId: tenantPerson,
          leaseNumber: `L-${marker}`,
          startDate: '2024-01-01',
          rentAmount: 2_500_000,
          currency: 'CZK',
          paymentDay: 5,
        },
        201,
      )
    ).id,
  );
  await call(boss, 'post', `/leases/${lease}/activate`, undefined);
  await call(boss, 'post', `/leases/${lease}/addenda`, {
    effectiveFrom: '2025-01-01',
    description: `Addendum ${marker}`,
  });

  const vendor = remember(
    'vendors',
    (
      await call(
        boss,
        'post',
        '/vendors',
        { name: `Vendor ${marker}`, trade: marker, email: `${marker}@vendor.example` },
        201,
      )
    ).id,
  );
  const fault = remember(
    'faults',
    (
      await call(
        tokens.tenant,
        'post',
        '/faults',
        { buildingId: building, unitId: unit, title: `Leak ${marker}`, description: `Water ${marker}` },
        201,
      )
    ).id,
  );
  await call(boss, 'post', `/faults/${fault}/comments`, { body: `Comment ${marker}` }, 201);
  await call(boss, 'patch', `/faults/${fault}`, { vendorId: vendor });

  const meter = remember(
    'meters',
    (
      await call(
        boss,
        'post',
        '/meters',
        { unitId: unit, type: 'water_cold', serialNumber: `WC-${marker}` },
        201,
      )
    ).id,
  );
  await call(boss, 'post', `/meters/${meter}/readings`, { value: 12.5, readOn: '2026-01-31' }, 201);
  remember(
    'reading-periods',
    (
      await call(boss, 'post', '/reading-periods', {
        name: `Period ${marker}`,
        startsOn: '2026-01-01',
        deadline: '2026-02-15',
      })
    ).id,
  );

  const announcement = remember(
    'announcements',
    (
      await call(
        boss,
        'post',
        '/announcements',
        { title: `News ${marker}`, body: `Body ${marker}`, audienceType: 'organization' },
        201,
      )
    ).id,
  );
  await call(boss, 'post', `/announcements/${announcement}/publish`);
  await call(tokens.tenant, 'post', `/announcements/${announcement}/comments`, { body: `Reply ${marker}` });
  await call(tokens.tenant, 'post', `/announcements/${announcement}/read`);

  const vote = await call(
    boss,
    'post',
    '/votes',
    {
      title: `Vote ${marker}`,
      description: `About ${marker}`,
      kind: 'meeting',
      buildingIds: [building],
      startAt: new Date(Date.now() - HOUR).toISOString(),
      endAt: new Date(Date.now() + 48 * HOUR).toISOString(),
      questions: [
        {
          text: `Question ${marker}`,
          quorum: '1/2',
          majority: 'simple',
          options: [{ label: `Yes ${marker}` }, { label: 'No' }],
        },
      ],
    },
    201,
  );
  remember('votes', vote.id);
  await call(boss, 'post', `/votes/${vote.id}/open`, undefined, 200);
  const question = vote.questions[0] as { id: string; options: { id: string }[] };
  const ballot = await call(
    tokens.owner,
    'post',
    `/votes/${vote.id}/ballots`,
    { unitId: unit, questionId: question.id, optionId: question.options[0].id },
    201,
  );
  remember('ballots', ballot.ballotId);
  const secondVote = await call(
    boss,
    'post',
    '/votes',
    {
      title: `Vote 2 ${marker}`,
      kind: 'meeting',
      startAt: new Date(Date.now() - HOUR).toISOString(),
      endAt: new Date(Date.now() + 48 * HOUR).toISOString(),
      questions: [
        {
          text: `Q2 ${marker}`,
          quorum: '1/2',
          majority: 'simple',
          options: [{ label: 'Yes' }, { label: 'No' }],
        },
      ],
    },
    201,
  );
  remember('votes', secondVote.id);
  await call(boss, 'post', `/votes/${secondVote.id}/open`, undefined, 200);
  remember(
    'delegations',
    (
      await call(
        tokens.owner,
        'post',
        `/votes/${secondVote.id}/delegations`,
        { unitId: unit, proxyPersonId: tenantPerson },
        201,
      )
    ).id,
  );
  await call(boss, 'patch', `/people/${ownerPerson}`, { lastName: `${marker}x` });

  const charge = remember(
    'charges',
    (
      await call(
        boss,
        'post',
        '/charges',
        {
          unitId: unit,
          leaseId: lease,
          kind: 'rent',
          description: `Rent ${marker}`,
          amount: 2_500_000,
          currency: 'CZK',
          dueDate: '2026-01-05',
        },
        201,
      )
    ).id,
  );
  await call(
    boss,
    'post',
    `/charges/${charge}/payments`,
    { amount: 1_000_000, currency: 'CZK', method: 'bank_transfer', reference: marker },
    201,
  );
  remember(
    'expenses',
    (
      await call(
        boss,
        'post',
        '/expenses',
        {
          buildingId: building,
          vendorId: vendor,
          category: 'repairs',
          description: `Fix ${marker}`,
          amount: 120_000,
          currency: 'CZK',
          incurredOn: '2026-01-10',
          reference: marker,
        },
        201,
      )
    ).id,
  );

  const document = await request(http)
    .post('/api/v1/documents')
    .set(bearer(boss))
    .field('title', `Contract ${marker}`)
    .field('category', 'contract')
    .field('visibility', 'residents')
    .field('buildingId', building)
    .attach('file', samplePdf(`Text ${marker}`), `${marker}.pdf`);
  if (document.status !== 201)
    throw new Error(`document upload → ${document.status} ${JSON.stringify(document.body)}`);
  remember('documents', see(document.body) && document.body.id);
  const photo = await request(http)
    .post('/api/v1/documents')
    .set(bearer(tokens.realtor))
    .field('title', `Photo ${marker}`)
    .field('category', 'photo')
    .attach('file', samplePdf(`Photo ${marker}`), `${marker}-2.pdf`);
  if (photo.status === 201) remember('documents', see(photo.body) && photo.body.id);
  remember(
    'uploads',
    (
      await call(
        boss,
        'post',
        '/uploads',
        {
          category: 'report',
          title: `Upload ${marker}`,
          fileName: `${marker}.pdf`,
          sizeBytes: 12_000_000,
          chunkSizeBytes: 5_242_880,
        },
        201,
      )
    ).id,
  );

  const listing = remember(
    'listings',
    (
      await call(
        tokens.realtor,
        'post',
        '/listings',
        {
          transaction: 'rent',
          propertyType: 'apartment',
          title: `Flat ${marker}`,
          description: `Nice ${marker}`,
          priceAmount: 2_500_000,
          currency: 'CZK',
          unitId: unit,
          city: 'Praha',
        },
        201,
      )
    ).id,
  );
  await request(http)
    .post('/api/v1/portal/inquiries')
    .set(bearer(serviceToken))
    .send({
      portalInquiryId: randomUUID(),
      listingId: listing,
      name: `Visitor ${marker}`,
      email: `${marker}@visitor.example`,
      message: `Hello ${marker}`,
    })
    .expect(201)
    .then((res) => {
      see(res.body);
      // The inquiry is a lead: /leads/{id} and its replies and status take its id.
      remember('leads', res.body.id);
    });

  const conversation = remember(
    'conversations',
    (
      await call(tokens.tenant, 'post', '/conversations', {
        kind: 'direct',
        userId: users.org_admin.id,
        subject: `Chat ${marker}`,
      })
    ).id,
  );
  await call(
    tokens.tenant,
    'post',
    `/conversations/${conversation}/messages`,
    { clientMessageId: randomUUID(), body: `Hi ${marker}` },
    201,
  );
  remember(
    'conversations',
    (
      await call(boss, 'post', '/conversations', {
        kind: 'building',
        buildingId: building,
        subject: `Building ${marker}`,
      })
    ).id,
  );
  remember(
    'inspections',
    (
      await call(
        tokens.technical_manager,
        'post',
        '/inspections',
        {
          buildingId: building,
          unitId: unit,
          inspectedOn: '2026-11-20',
          summary: `Seen ${marker}`,
          items: [{ area: `Roof ${marker}`, rating: 4, notes: marker }],
        },
        201,
      )
    ).id,
  );

  // The admin's own assistant conversation (creating one asks no provider).
  remember(
    'assistant/conversations',
    (await call(tokens.org_admin, 'post', '/assistant/conversations', { title: `Assistant ${marker}` }, 201)).id,
  );

  // Rows the set-up made on the side: notifications, sessions.
  for (const role of Object.keys(tokens) as SeededRole[]) {
    for (const item of (await call(tokens[role], 'get', '/notifications', undefined, 200)).items ?? []) {
      remember('notifications', item.id);
    }
    for (const session of (await call(tokens[role], 'get', '/auth/sessions', undefined, 200)).items ?? []) {
      remember('sessions', session.id);
    }
  }
  for (const user of Object.values(users)) {
    seenIds.add(user.id);
    remember('users', user.id);
  }
  return { id: org.id, marker, tokens, users, ids, seenIds };
}

/** A client-credentials token of a service client with `scopes`. */
export async function serviceToken(server: BootedApiServer, scopes: string[]): Promise<string> {
  const client = await createOAuthClient(server, scopes);
  const res = await request(server.app.getHttpServer() as Server)
    .post('/api/v1/oauth/token')
    .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret })
    .expect(200);
  return res.body.access_token as string;
}
