import { JOB_SCOPES, PLATFORM_JOBS_ROLE } from '@ppt/db';
import {
  createTestDatabase,
  TEST_APP_ROLE,
  TEST_PORTAL_ROLE,
  TEST_WORKER_ROLE,
  type TestDatabase,
} from '@ppt/testing';
import { Client } from 'pg';
import { SERVICE_GROUPS } from './roles';

const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

/**
 * What each service's database role may do, read from the catalog (pg_catalog and
 * information_schema) of a migrated database, for the login roles the services use.
 */
describe('database roles per service (catalog)', () => {
  let db: TestDatabase;
  let owner: Client;

  /** Every (relation, privilege) the role holds in a schema, as "name:PRIVILEGE". */
  async function relationPrivileges(role: string, schema: string): Promise<string[]> {
    const { rows } = (await owner.query(
      `SELECT c.relname || ':' || p AS grant
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, unnest($3::text[]) p
        WHERE n.nspname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND has_table_privilege($1, c.oid, p)
       UNION ALL
       SELECT c.relname || ':' || p
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, unnest('{USAGE,SELECT,UPDATE}'::text[]) p
        WHERE n.nspname = $2 AND c.relkind = 'S' AND has_sequence_privilege($1, c.oid, p)
        ORDER BY 1`,
      [role, schema, PRIVILEGES],
    )) as { rows: { grant: string }[] };
    return rows.map((r) => r.grant);
  }

  async function schemaPrivileges(role: string, schema: string): Promise<string[]> {
    const { rows } = (await owner.query(
      `SELECT p FROM unnest('{USAGE,CREATE}'::text[]) p WHERE has_schema_privilege($1, $2, p) ORDER BY 1`,
      [role, schema],
    )) as { rows: { p: string }[] };
    return rows.map((r) => r.p);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await db.drop();
  });

  it('API8:2023 makes each login role a member of its own service groups only', async () => {
    const { rows } = (await owner.query(
      `SELECT l.rolname AS login, array_agg(g.rolname::text ORDER BY g.rolname) AS groups
         FROM pg_roles l JOIN pg_roles g ON pg_has_role(l.oid, g.oid, 'MEMBER') AND g.oid <> l.oid
        WHERE l.rolname = ANY($1) GROUP BY 1 ORDER BY 1`,
      [[TEST_APP_ROLE.user, TEST_WORKER_ROLE.user, TEST_PORTAL_ROLE.user]],
    )) as { rows: { login: string; groups: string[] }[] };
    expect(rows).toEqual([
      { login: TEST_APP_ROLE.user, groups: [SERVICE_GROUPS.api] },
      { login: TEST_WORKER_ROLE.user, groups: [SERVICE_GROUPS.api, SERVICE_GROUPS.jobs] },
      { login: TEST_PORTAL_ROLE.user, groups: [SERVICE_GROUPS.portal] },
    ]);
  });

  it("API5:2023 grants the platform jobs' role only what their cross-organisation queries do", async () => {
    expect(await schemaPrivileges(PLATFORM_JOBS_ROLE, 'public')).toEqual(['USAGE']);
    expect(await schemaPrivileges(PLATFORM_JOBS_ROLE, 'portal')).toEqual([]);
    expect(await relationPrivileges(PLATFORM_JOBS_ROLE, 'public')).toEqual([
      'alert_instances:INSERT',
      'alert_instances:SELECT',
      'alert_instances:UPDATE',
      'alert_rules:SELECT',
      'announcements:SELECT',
      'charges:SELECT',
      'consumed_events:DELETE',
      'consumed_events:SELECT',
      'documents:SELECT',
      'health_samples:DELETE',
      'health_samples:INSERT',
      'health_samples:SELECT',
      'idempotency_keys:DELETE',
      'idempotency_keys:SELECT',
      'lease_lifecycle_runs:SELECT',
      'leases:SELECT',
      'listing_syndications:SELECT',
      'outbox:DELETE',
      'outbox:SELECT',
      'outbox:UPDATE',
      'portal_targets:SELECT',
      'portal_webhook_receipts:DELETE',
      'portal_webhook_receipts:SELECT',
      'reading_periods:SELECT',
      'upload_sessions:SELECT',
      'votes:SELECT',
    ]);
    // The alert evaluation records its outcome on a rule and can change nothing else of it.
    const { rows: updatable } = (await owner.query(
      `SELECT column_name FROM information_schema.column_privileges
        WHERE grantee = $1 AND table_name = 'alert_rules' AND privilege_type = 'UPDATE' ORDER BY 1`,
      [PLATFORM_JOBS_ROLE],
    )) as { rows: { column_name: string }[] };
    expect(updatable.map((r) => r.column_name)).toEqual(['last_error', 'last_evaluated_at']);
  });

  it("API1:2023 admits every worker-only platform scope through policies for the jobs' role alone", async () => {
    const { rows } = (await owner.query(
      `SELECT tablename || '.' || policyname AS policy, roles::text[] AS roles,
              coalesce(qual, '') || ' ' || coalesce(with_check, '') AS text
         FROM pg_policies WHERE schemaname = 'public' ORDER BY 1`,
    )) as { rows: { policy: string; roles: string[]; text: string }[] };
    const admitting = rows.filter((r) => JOB_SCOPES.some((scope) => r.text.includes(`'${scope}'`)));
    const scopesSeen = new Set(
      admitting.flatMap((r) => JOB_SCOPES.filter((scope) => r.text.includes(`'${scope}'`))),
    );
    // Every job scope is admitted somewhere (a renamed scope would otherwise pass unnoticed) …
    expect([...scopesSeen].sort()).toEqual([...JOB_SCOPES].sort());
    // … and only ever for the jobs' role, never for PUBLIC or api-server's role.
    expect(admitting.filter((r) => r.roles.join() !== PLATFORM_JOBS_ROLE).map((r) => r.policy)).toEqual([]);
  });

  it("API3:2023 gives the portal's role no privilege on any table, sequence or RLS function in public", async () => {
    expect(await relationPrivileges(TEST_PORTAL_ROLE.user, 'public')).toEqual([]);
    const { rows } = (await owner.query(
      `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proname LIKE 'app\\_%' AND has_function_privilege($1, p.oid, 'EXECUTE')`,
      [TEST_PORTAL_ROLE.user],
    )) as { rows: { proname: string }[] };
    expect(rows).toEqual([]);
    // USAGE only, to call unaccent() (search); nothing may be created there.
    expect(await schemaPrivileges(TEST_PORTAL_ROLE.user, 'public')).toEqual(['USAGE']);
  });

  it("grants the portal's role exactly what its code does in schema portal", async () => {
    expect(await schemaPrivileges(TEST_PORTAL_ROLE.user, 'portal')).toEqual(['USAGE']);
    expect(await relationPrivileges(TEST_PORTAL_ROLE.user, 'portal')).toEqual([
      'favorites:DELETE',
      'favorites:INSERT',
      'favorites:SELECT',
      'inquiries:INSERT',
      'inquiries:SELECT',
      'inquiries:UPDATE',
      'inquiry_replies:INSERT',
      'inquiry_replies:SELECT',
      'listings:INSERT',
      'listings:SELECT',
      'listings:UPDATE',
      'saved_searches:DELETE',
      'saved_searches:INSERT',
      'saved_searches:SELECT',
      'saved_searches:UPDATE',
    ]);
  });

  it("API3:2023 gives api-server's role nothing in schema portal and no CREATE anywhere", async () => {
    expect(await schemaPrivileges(TEST_APP_ROLE.user, 'portal')).toEqual([]);
    expect(await relationPrivileges(TEST_APP_ROLE.user, 'portal')).toEqual([]);
    expect(await schemaPrivileges(TEST_APP_ROLE.user, 'public')).toEqual(['USAGE']);
  });

  it('API8:2023 leaves PUBLIC (every role, present and future) nothing in public', async () => {
    const { rows } = (await owner.query(
      `SELECT n.nspname, a.privilege_type
         FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
        WHERE n.nspname IN ('public', 'portal') AND a.grantee = 0
       UNION ALL
       SELECT p.proname, a.privilege_type
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace,
              aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
        WHERE n.nspname = 'public' AND p.proname LIKE 'app\\_%' AND a.grantee = 0`,
    )) as { rows: unknown[] };
    expect(rows).toEqual([]);
  });

  it("API1:2023 lets api-server's role never delete an organisation", async () => {
    expect(await relationPrivileges(TEST_APP_ROLE.user, 'public')).not.toContain('organizations:DELETE');
  });

  it('API1:2023 splits the organisation and membership policies per command (no FOR ALL policy)', async () => {
    const { rows } = (await owner.query(
      `SELECT tablename, cmd FROM pg_policies
        WHERE schemaname = 'public' AND tablename IN ('organizations', 'memberships') ORDER BY 1, 2`,
    )) as { rows: { tablename: string; cmd: string }[] };
    expect(rows.map((r) => `${r.tablename}:${r.cmd}`)).toEqual([
      'memberships:DELETE',
      'memberships:INSERT',
      'memberships:SELECT',
      'memberships:UPDATE',
      'organizations:INSERT',
      'organizations:SELECT',
      'organizations:UPDATE',
    ]);
  });
});
