import { Membership, TenantTransactions } from '@ppt/db';
import { createWorkerApp } from '@ppt/http';
import { bootTestApp, createTestDatabase, testSigningKey } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApiServerApp } from '../../src/api-server.app';
import { ApiServerEnv } from '../../src/api-server.env';
import { WorkerModule } from '../../src/worker.module';
import { bootApiServer, type BootedApiServer } from '../boot';

const AUTH = { AUTH_JWT_PRIVATE_KEY: testSigningKey(), AUTH_ISSUER: 'http://api.test' };

describe('api-server and its database role', () => {
  describe('running as its own role', () => {
    let server: BootedApiServer;
    let owner: Client;
    const [org, other, member] = [randomUUID(), randomUUID(), randomUUID()];

    beforeAll(async () => {
      server = await bootApiServer();
      owner = new Client({ connectionString: server.db.ownerUrl });
      await owner.connect();
      await owner.query(
        `INSERT INTO organizations (id, name, slug) VALUES ($1, 'Mine', $2), ($3, 'Other', $4)`,
        [org, `mine-${org}`, other, `other-${other}`],
      );
      await owner.query(`INSERT INTO users (id, email, display_name) VALUES ($1, $2, 'Member')`, [
        member,
        `member-${member}@example.com`,
      ]);
      await owner.query(
        `INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $3, 'tenant'), ($2, $3, 'tenant')`,
        [org, other, member],
      );
    });
    afterAll(async () => {
      await owner?.end();
      await server?.close();
    });

    it("API1:2023 a member's transaction cannot delete its organisation (row-level security and grants)", async () => {
      const tenant = server.app.get(TenantTransactions);
      await expect(
        tenant.run({ organizationId: org, userId: member }, (m) =>
          m.query(`DELETE FROM organizations WHERE id = $1`, [org]),
        ),
      ).rejects.toThrow(/permission denied for table organizations/);
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM organizations WHERE id = ANY($1)`, [
        [org, other],
      ]);
      expect(rows).toEqual([{ n: 2 }]);
    });

    it('API1:2023 a user-scoped transaction may read its memberships everywhere but delete none', async () => {
      const tenant = server.app.get(TenantTransactions);
      const [seen, deleted] = await tenant.run({ userId: member }, async (m) => [
        await m.countBy(Membership, { userId: member }),
        (await m.delete(Membership, { userId: member })).affected,
      ]);
      expect([seen, deleted]).toEqual([2, 0]);
    });

    it("API3:2023 api-server's connection cannot read the portal's visitor data", async () => {
      const db = server.app.get(DataSource);
      for (const table of ['favorites', 'saved_searches', 'inquiries', 'listings']) {
        await expect(db.query(`SELECT * FROM portal.${table} LIMIT 1`)).rejects.toThrow(
          /permission denied for schema portal/,
        );
      }
    });
  });

  it("API8:2023 api-server refuses to start as the portal's role", async () => {
    await expect(
      bootTestApp(ApiServerEnv, createApiServerApp, AUTH, { connectAs: 'portal' }),
    ).rejects.toThrow(/may use \d+ table\(s\) outside schema "public" \(portal\./);
  });

  it("API8:2023 api-worker refuses to start as the portal's role", async () => {
    await expect(
      bootTestApp(ApiServerEnv, (env) => createWorkerApp(WorkerModule.register(env)), AUTH, {
        connectAs: 'portal',
      }),
    ).rejects.toThrow(/outside schema "public"/);
  });

  it('API8:2023 api-server refuses to start as the owner (a superuser that owns the tables)', async () => {
    const db = await createTestDatabase();
    try {
      await expect(
        bootTestApp(ApiServerEnv, createApiServerApp, { ...AUTH, DATABASE_URL: db.ownerUrl }),
      ).rejects.toThrow(/which is a superuser.*, owns \d+ database object/);
    } finally {
      await db.drop();
    }
  });
});
