import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from '../boot';
import { addMember, asOwner, bearer, login, registerAndLogin } from '../identity';
import { seedOrganization, serviceToken, type SeededOrganization } from './organization-fixture';

/**
 * Randomized cross-organisation fuzzer (issue #15 item 11). Two organisations with data in every
 * feature; every operation of the served OpenAPI document with an id parameter in its path (or in
 * its query: list filters such as `?buildingId=`) is called
 * with org A's tokens (every role, a member of both organisations acting in A, a user of no
 * organisation, a service client) and org B's ids — alone, or mixed with A's ids in parent/child
 * paths and request bodies. A leak is a 2xx on a path naming a B id, a 2xx whose body shows a B id or
 * B's marker, or any change to B's rows. A 500 fails too: a client's mistake is never a server error.
 * `FUZZ_SEED=<n>` replays a run's choices; `FUZZ_REQUESTS` changes the count (1,000 by default).
 */
const REQUESTS = Number(process.env['FUZZ_REQUESTS'] ?? 1000);
const SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const METHODS = ['get', 'put', 'patch', 'post', 'delete'] as const;
type Method = (typeof METHODS)[number];

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
}
interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface OpenApiDocument {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components?: { schemas?: Record<string, Schema> };
}

interface FuzzRequest {
  index: number;
  actor: string;
  method: Method;
  route: string;
  path: string;
  victimIdsInPath: string[];
  contentType?: string;
  body?: unknown;
}

/** mulberry32: small, seedable, good enough to spread choices. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}

/** `memberId` → `members`, `documentId` → `documents`; `{id}` takes the segment before it. */
function idKind(route: string, name: string): string {
  if (/(User|^actor)Id$/.test(name)) return 'users';
  if (name !== 'id') return `${name.slice(0, -2)}s`;
  const segments = route.split('/');
  const collection = segments[segments.indexOf('{id}') - 1];
  // The assistant's conversations are not the residents' conversations: a pool of their own.
  return segments[segments.indexOf('{id}') - 2] === 'assistant' ? `assistant/${collection}` : collection;
}
const isIdName = (name: string) => name === 'id' || /Id$/.test(name);

describe('cross-organisation fuzzer', () => {
  let server: BootedApiServer;
  let storageRoot: string;
  const http = () => server.app.getHttpServer();
  let orgA: SeededOrganization;
  let orgB: SeededOrganization;
  let actors: Record<string, string>;
  const BOTH = 'A+B:org_admin-in-A';
  // Actors whose permissions reach furthest, so more requests get past the role check to the object.
  const STRONG = ['A:org_admin', 'A:manager', BOTH];
  /** What an actor may see of B by right: a member of both reads B's organisation (name, own role). */
  const sharedByRight = (r: FuzzRequest) =>
    r.actor === BOTH && r.method === 'get' && r.route === '/api/v1/organizations/{id}';
  /**
   * What a member of both may change in B by right: leaving B ends their own membership there. Not
   * sent as them (it would change B's rows legitimately); every other actor is still sent it.
   */
  const changesBByRight = (route: string, method: string) =>
    method === 'delete' && route === '/api/v1/organizations/{id}/membership';

  beforeAll(async () => {
    storageRoot = await mkdtemp(join(tmpdir(), 'ppt-fuzz-'));
    server = await bootApiServer({
      STORAGE_DRIVER: 'local',
      STORAGE_LOCAL_ROOT: storageRoot,
      // The set-up signs in some forty times from one address.
      AUTH_MAX_ATTEMPTS_PER_IP: '1000',
    });
    const portal = await serviceToken(server, ['listings:inquiries']);
    orgA = await seedOrganization(server, 'a', portal);
    orgB = await seedOrganization(server, 'b', portal);
    // One person in both: org_admin in A, tenant in B, signed in to A.
    const both = await registerAndLogin(http(), 'both');
    await addMember(http(), orgA.tokens.org_admin, orgA.id, both.email, 'org_admin');
    await addMember(http(), orgB.tokens.org_admin, orgB.id, both.email, 'tenant');
    const nobody = await registerAndLogin(http(), 'nobody');
    actors = {
      ...Object.fromEntries(Object.entries(orgA.tokens).map(([role, token]) => [`A:${role}`, token])),
      [BOTH]: (await login(http(), both.email, undefined, orgA.id)).accessToken,
      'no-organization': nobody.accessToken,
      'service:listings:inquiries': portal,
    };
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await rm(storageRoot, { recursive: true, force: true });
  });

  /** Per tenant table, a digest of org B's rows; plus B's organisation row, users, sessions and tokens. */
  const snapshotOf = (org: SeededOrganization) =>
    asOwner(server, async (db) => {
      const userIds = Object.values(org.users).map((u) => u.id);
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name = 'organization_id' ORDER BY table_name`,
      );
      const digests: Record<string, string> = {};
      const digest = async (name: string, from: string, where: string, params: unknown[]) => {
        const res = await db.query<{ d: string }>(
          `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS d
             FROM ${from} t WHERE ${where}`,
          params,
        );
        digests[name] = res.rows[0].d;
      };
      for (const { table_name } of tables.rows) {
        await digest(table_name, `"${table_name}"`, 'organization_id = $1', [org.id]);
      }
      await digest('organizations', 'organizations', 'id = $1', [org.id]);
      await digest('users', 'users', 'id = ANY($1)', [userIds]);
      await digest('sessions', 'sessions', 'user_id = ANY($1)', [userIds]);
      await digest(
        'refresh_tokens',
        'refresh_tokens',
        'session_id IN (SELECT id FROM sessions WHERE user_id = ANY($1))',
        [userIds],
      );
      await digest('email_tokens', 'email_tokens', 'user_id = ANY($1)', [userIds]);
      return digests;
    });

  it('API1:2023 a thousand randomized requests with org A tokens and org B ids leak nothing and never answer 500', async () => {
    process.stdout.write(`cross-org fuzzer: FUZZ_SEED=${SEED} (${REQUESTS} requests)\n`);
    const random = prng(SEED);
    const doc = (await request(http()).get('/api/docs-json').expect(200)).body as OpenApiDocument;
    const schemas = doc.components?.schemas ?? {};
    const operations = Object.entries(doc.paths).flatMap(([route, item]) =>
      METHODS.filter((method) => item[method])
        .map((method) => ({ route, method, operation: item[method] as Operation }))
        .filter(({ operation }) => (operation.parameters ?? []).some((p) => isIdName(p.name))),
    );
    expect(operations.length).toBeGreaterThan(50);

    const needles = [...[...orgB.seenIds].filter((id) => !orgA.seenIds.has(id)), orgB.marker];
    const poolOf = (org: SeededOrganization, kind: string) =>
      org.ids.get(kind) ?? [...org.ids.values()].flat();
    const anyId = (org: SeededOrganization) => random.pick([...org.ids.values()].flat());
    const idFor = (kind: string, owner: SeededOrganization) =>
      random.chance(0.1) ? anyId(owner) : random.pick(poolOf(owner, kind));

    /** A plausible body from the schema's examples; id fields hold B's ids (sometimes A's). */
    const bodyFrom = (schema: Schema | undefined, depth = 0): unknown => {
      if (!schema || depth > 4) return undefined;
      if (schema.$ref) return bodyFrom(schemas[schema.$ref.split('/').pop() as string], depth + 1);
      if (schema.allOf) return bodyFrom(schema.allOf[0], depth + 1);
      if (schema.properties) {
        const out: Record<string, unknown> = {};
        for (const [name, property] of Object.entries(schema.properties)) {
          if (!schema.required?.includes(name) && random.chance(0.4)) continue;
          if (/Ids?$/.test(name)) {
            const kind = idKind('', name.replace(/Ids$/, 'Id'));
            const id = idFor(kind, random.chance(0.75) ? orgB : orgA);
            out[name] = name.endsWith('Ids') ? [id] : id;
          } else {
            out[name] = property.example ?? bodyFrom(property, depth + 1);
          }
        }
        return out;
      }
      if (schema.example !== undefined) return schema.example;
      if (schema.enum) return random.pick(schema.enum);
      if (schema.type === 'array') return [bodyFrom(schema.items, depth + 1)].filter((v) => v !== undefined);
      if (schema.type === 'number' || schema.type === 'integer') return 1;
      if (schema.type === 'boolean') return random.chance(0.5);
      return 'fuzz';
    };

    const pickActor = (route: string, method: string) => {
      const allowed = (actor: string) => actor !== BOTH || !changesBByRight(route, method);
      return random.chance(0.5)
        ? random.pick(STRONG.filter(allowed))
        : random.pick(Object.keys(actors).filter(allowed));
    };
    const build = (index: number): FuzzRequest => {
      const { route, method, operation } = random.pick(operations);
      const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
      const idParams = pathParams.filter((p) => isIdName(p.name));
      const queryIdParams = (operation.parameters ?? []).filter((p) => p.in === 'query' && isIdName(p.name));
      // At least one id is B's; a parent/child path may pair A's parent with B's child. A route
      // with ids only in its query (a filtered list) gets B's id in one filter.
      const victimAt = random.pick(idParams.length ? idParams : queryIdParams).name;
      const victimIdsInPath: string[] = [];
      let path = route;
      for (const param of pathParams) {
        let value: string;
        if (!isIdName(param.name)) {
          value = String(param.schema?.enum ? random.pick(param.schema.enum) : (param.schema?.example ?? 0));
        } else {
          const owner = param.name === victimAt || random.chance(0.5) ? orgB : orgA;
          value = idFor(idKind(route, param.name), owner);
          if (owner === orgB) victimIdsInPath.push(value);
        }
        path = path.replace(`{${param.name}}`, encodeURIComponent(value));
      }
      const query = queryIdParams
        .filter((param) => param.name === victimAt || random.chance(0.3))
        .map((param) => {
          const owner = param.name === victimAt || random.chance(0.75) ? orgB : orgA;
          return `${param.name}=${encodeURIComponent(idFor(idKind(route, param.name), owner))}`;
        });
      if (query.length) path += `?${query.join('&')}`;
      const content = operation.requestBody?.content ?? {};
      const json = content['application/json'];
      if (json) {
        return {
          index,
          actor: pickActor(route, method),
          method,
          route,
          path,
          victimIdsInPath,
          body: random.chance(0.1) ? {} : bodyFrom(json.schema),
        };
      }
      const binary = Object.keys(content)[0];
      return {
        index,
        actor: pickActor(route, method),
        method,
        route,
        path,
        victimIdsInPath,
        ...(binary ? { contentType: binary, body: Buffer.from(`chunk ${index}`) } : {}),
      };
    };

    // Control: B's own admin reads B's records through the same GET routes and id pools, so the
    // refusals below come from the organisation boundary, not from ids that fit no route.
    // Routes an org_admin may not call at all (platform administrators' views, route-access.json) are
    // no organisation boundary and have no place in the control.
    const reads = operations.filter(
      ({ method, route }) =>
        method === 'get' &&
        orgAdminMayCall(`GET ${route.replace(/^\/api\/v1/, '').replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const unreachable: string[] = [];
    for (const { route, operation } of reads) {
      let path = route;
      for (const param of (operation.parameters ?? []).filter((p) => p.in === 'path')) {
        path = path.replace(`{${param.name}}`, poolOf(orgB, idKind(route, param.name))[0]);
      }
      const res = await request(http()).get(path).set(bearer(orgB.tokens.org_admin));
      if (res.status !== 200) unreachable.push(`${route} ${res.status}`);
    }
    process.stdout.write(
      `control: ${reads.length - unreachable.length} of ${reads.length} reads by B: ${unreachable.join('; ')}\n`,
    );
    expect(unreachable.length).toBeLessThanOrEqual(reads.length * 0.1);

    const before = await snapshotOf(orgB);
    const byStatus = new Map<number, number>();
    const byRoute = new Map<string, Map<number, number>>();
    const failures: string[] = [];
    const reproducer = (r: FuzzRequest, status: number, why: string, text: string) =>
      `#${r.index} ${why}: ${r.method.toUpperCase()} ${r.path} as ${r.actor} → ${status}\n` +
      `  route ${r.route}; body ${r.body === undefined ? '(none)' : JSON.stringify(r.body instanceof Buffer ? r.body.toString() : r.body)}\n` +
      `  answer ${text.slice(0, 300)}\n  replay: FUZZ_SEED=${SEED}`;

    for (let index = 0; index < REQUESTS; index++) {
      const r = build(index);
      let req = request(http())[r.method](r.path).set(bearer(actors[r.actor]));
      if (r.contentType) req = req.set('Content-Type', r.contentType);
      const res = await (r.body === undefined ? req : req.send(r.body as object));
      const text = res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString('latin1') : '');
      byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
      const key = `${r.method.toUpperCase()} ${r.route}`;
      const counts = byRoute.get(key) ?? new Map<number, number>();
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
      byRoute.set(key, counts);

      if (res.status >= 500) failures.push(reproducer(r, res.status, 'server error', text));
      if (res.status >= 200 && res.status < 300 && !sharedByRight(r)) {
        const shown = needles.filter((needle) => text.toLowerCase().includes(needle.toLowerCase()));
        if (r.victimIdsInPath.length)
          failures.push(reproducer(r, res.status, `accepted B's ${r.victimIdsInPath.join(', ')}`, text));
        else if (shown.length)
          failures.push(reproducer(r, res.status, `showed B's ${shown.join(', ')}`, text));
      }
    }
    const after = await snapshotOf(orgB);
    const changed = Object.keys(before).filter((table) => before[table] !== after[table]);

    const routeLines = [...byRoute.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([route, counts]) => `  ${route}  ${[...counts.entries()].map(([s, n]) => `${s}×${n}`).join(' ')}`,
      );
    process.stdout.write(
      [
        `cross-org fuzzer: FUZZ_SEED=${SEED}; ${REQUESTS} requests over ${byRoute.size} of ${operations.length} operations`,
        `  by status: ${[...byStatus.entries()]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
        ...routeLines,
        `  leaks: ${failures.length + changed.length}${changed.length ? `; B's rows changed in ${changed.join(', ')}` : ''}`,
        ...failures,
        '',
      ].join('\n'),
    );
    expect({ failures, changedTablesOfB: changed }).toEqual({ failures: [], changedTablesOfB: [] });
  }, 150_000);
});

/** Whether route-access.json (the permissions e2e's table) lets an org_admin call the route (as such, or as anyone signed in). */
function orgAdminMayCall(key: string): boolean {
  const roles = ROUTE_ACCESS[key];
  return (
    roles === undefined || roles.split(' ').some((who) => ['org_admin', 'signed_in', 'public'].includes(who))
  );
}

const ROUTE_ACCESS = JSON.parse(readFileSync(join(__dirname, '..', 'route-access.json'), 'utf8')) as Record<
  string,
  string
>;
