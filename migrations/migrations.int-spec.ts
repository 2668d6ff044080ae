import { buildDataSourceOptions, PM_ENTITIES } from '@ppt/db';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '@ppt/testing';
import { DataSource } from 'typeorm';
import { migrationDataSource } from './data-source';
import { MIGRATIONS } from './migration-list';

async function tables(ds: DataSource): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name <> 'typeorm_migrations' ORDER BY 1`,
  )) as { table_name: string }[];
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  describe('on an empty database', () => {
    let db: TestDatabase;
    let ds: DataSource;
    beforeAll(async () => {
      db = await createEmptyDatabase();
      ds = await migrationDataSource(db.ownerUrl).initialize();
    });
    afterAll(async () => {
      await ds.destroy();
      await db.drop();
    });

    it('run up, all the way down, and up again', async () => {
      expect(await ds.runMigrations()).toHaveLength(MIGRATIONS.length);
      expect(await tables(ds)).toEqual(['memberships', 'organizations', 'users']);

      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
      expect(await tables(ds)).toEqual([]);

      expect(await ds.runMigrations()).toHaveLength(MIGRATIONS.length);
      expect(await tables(ds)).toEqual(['memberships', 'organizations', 'users']);
    });
  });

  describe('on a migrated database', () => {
    let db: TestDatabase;
    let ds: DataSource;
    beforeAll(async () => {
      db = await createTestDatabase();
      ds = await new DataSource(
        buildDataSourceOptions({ url: db.ownerUrl, applicationName: 'schema-check' }, { entities: PM_ENTITIES }),
      ).initialize();
    });
    afterAll(async () => {
      await ds.destroy();
      await db.drop();
    });

    it('matches the entities exactly (what migration:generate would write is empty)', async () => {
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    });

    it('grants the application role access to every table', async () => {
      const rows = (await ds.query(
        `SELECT t.table_name,
                has_table_privilege('ppt_app', format('public.%I', t.table_name), 'SELECT,INSERT,UPDATE,DELETE') AS granted
           FROM information_schema.tables t
          WHERE t.table_schema = 'public' AND t.table_name <> 'typeorm_migrations'`,
      )) as { table_name: string; granted: boolean }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((r) => !r.granted).map((r) => r.table_name)).toEqual([]);
    });

    it('keeps e-mail addresses unique regardless of case', async () => {
      await ds.query(`INSERT INTO users (email, display_name) VALUES ('Ann@Example.com', 'Ann')`);
      await expect(ds.query(`INSERT INTO users (email, display_name) VALUES ('ann@example.COM', 'Ann 2')`)).rejects.toThrow(
        /uq_users_email_lower/,
      );
    });
  });
});
