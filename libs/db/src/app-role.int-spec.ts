import { createTestDatabase, type TestDatabase } from '@ppt/testing';
import { DataSource } from 'typeorm';
import { readRoleFlags, roleProblems } from './app-role.check';
import { buildDataSourceOptions } from './data-source-options';

describe('the application role check', () => {
  let db: TestDatabase;
  const open = (url: string) =>
    new DataSource(buildDataSourceOptions({ url, applicationName: 'role-test' })).initialize();

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('accepts the restricted application role', async () => {
    const ds = await open(db.appUrl);
    try {
      const flags = await readRoleFlags(ds);
      expect(flags).toMatchObject({ role: 'ppt_api', superuser: false, bypassRls: false, ownedTables: 0 });
      expect(roleProblems(flags)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('refuses the owner, which is a superuser and owns the tables', async () => {
    const ds = await open(db.ownerUrl);
    try {
      const problems = roleProblems(await readRoleFlags(ds));
      expect(problems).toContain('is a superuser');
      expect(problems.some((p) => /^owns \d+ table/.test(p))).toBe(true);
    } finally {
      await ds.destroy();
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
