import { connectAdmin, createTestDatabase, databaseUrl, uniqueSuffix, type TestDatabase } from '@ppt/testing';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppRoleCheck, readRoleFlags, roleProblems } from './app-role.check';
import { buildDataSourceOptions } from './data-source-options';

describe('the application role check', () => {
  let db: TestDatabase;
  let admin: Client;
  /** Roles are shared by the whole cluster: each test run names its own and drops them afterwards. */
  const created: string[] = [];
  const open = (url: string) =>
    new DataSource(buildDataSourceOptions({ url, applicationName: 'role-test' })).initialize();

  async function problemsOf(url: string): Promise<string[]> {
    const ds = await open(url);
    try {
      return roleProblems(await readRoleFlags(ds));
    } finally {
      await ds.destroy();
    }
  }

  /** A login role that belongs to a group created with `groupOptions` (SQL role options). */
  async function loginInGroup(groupOptions: string): Promise<{ url: string; group: string }> {
    const suffix = uniqueSuffix();
    const [group, login] = [`ppt_rt_group_${suffix}`, `ppt_rt_login_${suffix}`];
    await admin.query(`CREATE ROLE ${group} NOLOGIN ${groupOptions}`);
    created.push(group);
    await admin.query(`CREATE ROLE ${login} LOGIN PASSWORD '${login}' IN ROLE ${group}`);
    created.unshift(login);
    await admin.query(`GRANT ppt_app TO ${login}`);
    return { url: databaseUrl(db.ownerUrl, db.name, { user: login, password: login }), group };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = await connectAdmin();
  });
  afterAll(async () => {
    await db.drop();
    for (const role of created) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it("accepts each service's restricted role (api-server's and the portal's)", async () => {
    const ds = await open(db.appUrl);
    try {
      const flags = await readRoleFlags(ds);
      expect(flags.role).toBe('ppt_api');
      expect(flags.reachable.map((r) => r.name)).toEqual(['ppt_api', 'ppt_app']);
      expect(roleProblems(flags)).toEqual([]);
    } finally {
      await ds.destroy();
    }
    expect(await problemsOf(db.portalUrl)).toEqual([]);
  });

  it('API8:2023 refuses the owner, which is a superuser and owns the tables', async () => {
    const problems = await problemsOf(db.ownerUrl);
    expect(problems).toContain('is a superuser');
    expect(problems.some((p) => /^owns \d+ database object/.test(p))).toBe(true);
  });

  it('API8:2023 refuses a role that may skip row-level security through a group (BYPASSRLS)', async () => {
    const { url, group } = await loginInGroup('BYPASSRLS');
    expect(await problemsOf(url)).toEqual([`has BYPASSRLS through membership of "${group}"`]);
  });

  it('API8:2023 refuses a role that is a superuser through a group', async () => {
    const { url, group } = await loginInGroup('SUPERUSER');
    expect(await problemsOf(url)).toContain(`is a superuser through membership of "${group}"`);
  });

  it('API8:2023 refuses CREATEROLE, on the role itself or through a group', async () => {
    const { url, group } = await loginInGroup('CREATEROLE');
    expect(await problemsOf(url)).toEqual([`has CREATEROLE through membership of "${group}"`]);
    const login = `ppt_rt_self_${uniqueSuffix()}`;
    await admin.query(`CREATE ROLE ${login} LOGIN PASSWORD '${login}' CREATEROLE`);
    created.unshift(login);
    expect(await problemsOf(databaseUrl(db.ownerUrl, db.name, { user: login, password: login }))).toEqual([
      'has CREATEROLE',
    ]);
  });

  it('API8:2023 refuses a role that inherits ownership of a table from its group', async () => {
    const { url, group } = await loginInGroup('');
    const owner = await open(db.ownerUrl);
    try {
      await owner.query(`CREATE TABLE public.owned_by_group (id int)`);
      await owner.query(`ALTER TABLE public.owned_by_group OWNER TO ${group}`);
      expect(await problemsOf(url)).toEqual([`owns 1 database object(s) through membership of "${group}"`]);
      // What the check guards against: the owner may drop the table's row-level security.
      const member = await open(url);
      try {
        await member.query(`ALTER TABLE public.owned_by_group DISABLE ROW LEVEL SECURITY`);
      } finally {
        await member.destroy();
      }
    } finally {
      await owner.query(`DROP TABLE public.owned_by_group`);
      await owner.destroy();
    }
  });

  it('API8:2023 refuses a member of a built-in role that reads every table', async () => {
    const { url } = await loginInGroup('');
    const login = new URL(url).username;
    await admin.query(`GRANT pg_read_all_data TO ${login}`);
    expect(await problemsOf(url)).toEqual(['is a member of pg_read_all_data']);
  });

  it('API8:2023 stops the app from booting, naming the role and every problem', async () => {
    const { url, group } = await loginInGroup('BYPASSRLS CREATEROLE');
    const ds = await open(url);
    try {
      await expect(new AppRoleCheck(ds).onApplicationBootstrap()).rejects.toThrow(
        `which has BYPASSRLS through membership of "${group}", has CREATEROLE through membership of "${group}"`,
      );
    } finally {
      await ds.destroy();
    }
    const restricted = await open(db.portalUrl);
    try {
      await expect(new AppRoleCheck(restricted).onApplicationBootstrap()).resolves.toBeUndefined();
    } finally {
      await restricted.destroy();
    }
  });

  it('lets the application role read and write but not change the schema', async () => {
    const ds = await open(db.appUrl);
    try {
      await ds.query(`INSERT INTO users (email, display_name) VALUES ('role@example.com', 'Role')`);
      expect(await ds.query(`SELECT email FROM users`)).toEqual([{ email: 'role@example.com' }]);
      await expect(ds.query(`ALTER TABLE organizations ADD COLUMN hacked int`)).rejects.toThrow(
        /must be owner/,
      );
      await expect(ds.query(`DROP TABLE memberships`)).rejects.toThrow(/must be owner/);
    } finally {
      await ds.destroy();
    }
  });
});
