import { createTestDatabase, type TestDatabase } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, TenantTransactions } from '@ppt/db';
import { Membership, Organization, PM_ENTITIES, User } from './index';

/**
 * Row-level security, checked through the restricted application role on a real database:
 * isolation must hold even when a query forgets its organisation filter.
 */
describe('tenant isolation (PostgreSQL RLS)', () => {
  let db: TestDatabase;
  let owner: DataSource;
  let app: DataSource;
  let tx: TenantTransactions;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const userA = randomUUID();
  const userB = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = await new DataSource(
      buildDataSourceOptions({ url: db.ownerUrl, applicationName: 'owner' }, { entities: PM_ENTITIES }),
    ).initialize();
    app = await new DataSource(
      buildDataSourceOptions(
        { url: db.appUrl, applicationName: 'app', poolMax: 1 },
        { entities: PM_ENTITIES },
      ),
    ).initialize();
    tx = new TenantTransactions(app);
    // Fixtures through the owner (a superuser bypasses RLS).
    await owner.getRepository(Organization).insert([
      { id: orgA, name: 'A', slug: `a-${orgA}` },
      { id: orgB, name: 'B', slug: `b-${orgB}` },
    ]);
    await owner.getRepository(User).insert([
      { id: userA, email: `a-${userA}@example.com`, displayName: 'A' },
      { id: userB, email: `b-${userB}@example.com`, displayName: 'B' },
    ]);
    await owner.getRepository(Membership).insert([
      { organizationId: orgA, userId: userA, role: 'org_admin' },
      { organizationId: orgB, userId: userB, role: 'org_admin' },
    ]);
  });
  afterAll(async () => {
    await Promise.all([owner?.destroy(), app?.destroy()]);
    await db.drop();
  });

  const tenantTables = async (): Promise<string[]> =>
    (
      (await owner.query(
        `SELECT c.table_name FROM information_schema.columns c
          WHERE c.table_schema = 'public' AND c.column_name = 'organization_id' ORDER BY 1`,
      )) as { table_name: string }[]
    ).map((r) => r.table_name);

  it('enables and forces RLS on every table with an organization_id, and on organizations', async () => {
    const tables = [...(await tenantTables()), 'organizations'];
    expect(tables).toEqual(expect.arrayContaining(['memberships', 'audit_log']));
    const rows = (await owner.query(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1)`,
      [tables],
    )) as { relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }[];
    expect(rows).toHaveLength(tables.length);
    for (const row of rows)
      expect(row).toEqual({ relname: row.relname, relrowsecurity: true, relforcerowsecurity: true });
  });

  it('includes organization_id in every unique index of a tenant table (besides the UUID primary key)', async () => {
    const rows = (await owner.query(
      `SELECT t.relname AS table_name, i.relname AS index_name,
              array_agg(a.attname::text) AS columns
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
        WHERE x.indisunique AND NOT x.indisprimary AND t.relname = ANY($1)
        GROUP BY 1, 2`,
      [await tenantTables()],
    )) as { table_name: string; index_name: string; columns: string[] }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect({ ...row, ok: row.columns.includes('organization_id') }).toMatchObject({ ok: true });
  });

  it('returns no tenant rows when no organisation is set (fail closed)', async () => {
    expect(await app.query(`SELECT * FROM memberships`)).toEqual([]);
    expect(await app.query(`SELECT * FROM organizations`)).toEqual([]);
    expect(await tx.run({}, (em) => em.find(Membership))).toEqual([]);
  });

  it('shows organisation A only its own rows, even without a WHERE clause', async () => {
    const memberships = await tx.run({ organizationId: orgA }, (em) => em.find(Membership));
    expect(memberships.map((m) => m.organizationId)).toEqual([orgA]);
    const orgs = await tx.run({ organizationId: orgA }, (em) => em.find(Organization));
    expect(orgs.map((o) => o.id)).toEqual([orgA]);
  });

  it("lets a user see their own memberships and organisations across organisations, nobody else's", async () => {
    const mine = await tx.run({ userId: userA }, (em) => em.find(Membership));
    expect(mine.map((m) => m.userId)).toEqual([userA]);
    const orgs = await tx.run({ userId: userA }, (em) => em.find(Organization));
    expect(orgs.map((o) => o.id)).toEqual([orgA]);
  });

  it('refuses to write a row for organisation B while acting in A', async () => {
    await expect(
      tx.run({ organizationId: orgA }, (em) =>
        em.insert(Membership, { organizationId: orgB, userId: userA, role: 'manager' }),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await tx.run({ organizationId: orgA }, (em) =>
      em.update(Organization, { id: orgB }, { name: 'hacked' }),
    );
    expect(updated.affected).toBe(0);
    const [b] = await owner.query(`SELECT name FROM organizations WHERE id = $1`, [orgB]);
    expect(b.name).toBe('B');
  });

  describe('policies split per command', () => {
    // userA also belongs to B as a tenant: readable from A's user scope, never writable from it.
    beforeAll(() =>
      owner.getRepository(Membership).insert({ organizationId: orgB, userId: userA, role: 'tenant' }),
    );
    afterAll(() => owner.getRepository(Membership).delete({ organizationId: orgB, userId: userA }));

    const rowsOfA = () =>
      owner.query(
        `SELECT m.organization_id, m.role, o.name FROM memberships m
           JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = $1 ORDER BY o.name`,
        [userA],
      );

    it('API1:2023 a user-scoped transaction reads its memberships and organisations but changes none', async () => {
      const before = await rowsOfA();
      expect(before).toHaveLength(2);
      const seen = await tx.run({ userId: userA }, (em) => em.find(Organization));
      expect(seen.map((o) => o.id).sort()).toEqual([orgA, orgB].sort());

      const attempts = await tx.run({ userId: userA }, async (em) => [
        (await em.delete(Membership, { userId: userA })).affected,
        (await em.update(Membership, { userId: userA }, { role: 'org_admin' })).affected,
        (await em.update(Organization, { id: orgB }, { name: 'hacked' })).affected,
      ]);
      expect(attempts).toEqual([0, 0, 0]);
      expect(await rowsOfA()).toEqual(before);
    });

    it("API1:2023 a member acting in its organisation cannot touch another's memberships", async () => {
      const affected = await tx.run({ organizationId: orgA, userId: userA }, async (em) => [
        (await em.delete(Membership, { organizationId: orgB })).affected,
        (await em.update(Membership, { organizationId: orgB }, { role: 'org_admin' })).affected,
      ]);
      expect(affected).toEqual([0, 0]);
      expect(await owner.query(`SELECT role FROM memberships WHERE organization_id = $1`, [orgB])).toEqual(
        expect.arrayContaining([{ role: 'org_admin' }, { role: 'tenant' }]),
      );
    });

    it('API5:2023 no transaction of the application may delete an organisation, not even its own', async () => {
      await expect(
        tx.run({ organizationId: orgA, userId: userA }, (em) => em.delete(Organization, { id: orgA })),
      ).rejects.toThrow(/permission denied for table organizations/);
      expect(await owner.query(`SELECT name FROM organizations WHERE id = $1`, [orgA])).toEqual([
        { name: 'A' },
      ]);
    });
  });

  it('leaves no organisation on the pooled connection after commit or rollback', async () => {
    // poolMax is 1: every query below runs on the same connection.
    await tx.run({ organizationId: orgA, userId: userA }, async () => undefined);
    expect(await app.query(`SELECT current_setting('app.current_org', true) AS org`)).toEqual([{ org: '' }]);
    await expect(
      tx.run({ organizationId: orgA }, async () => {
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await app.query(`SELECT current_setting('app.current_org', true) AS org`)).toEqual([{ org: '' }]);
    expect(await app.query(`SELECT * FROM memberships`)).toEqual([]);
  });

  it('rolls back everything a failed transaction wrote', async () => {
    const org = randomUUID();
    await expect(
      tx.run({ organizationId: org }, async (em) => {
        await em.insert(Organization, { id: org, name: 'Half', slug: `half-${org}` });
        await em.insert(Membership, { organizationId: org, userId: randomUUID(), role: 'org_admin' }); // FK violation
      }),
    ).rejects.toThrow();
    expect(await owner.query(`SELECT 1 FROM organizations WHERE id = $1`, [org])).toEqual([]);
  });
});
