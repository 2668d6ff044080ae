import type { INestApplication } from '@nestjs/common';
import { Membership } from '@ppt/api-db';
import { PLATFORM_JOBS_ROLE, TenantTransactions } from '@ppt/db';
import { createWorkerApp } from '@ppt/http';
import { bootTestApp, createTestDatabase, testSigningKey } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApiServerApp } from '../../src/api-server.app';
import { ApiServerEnv } from '../../src/api-server.env';
import { WorkerModule } from '../../src/worker.module';
import { bootApiServer, type BootedApiServer, createTestWorker } from '../boot';

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

    it("API1:2023 an HTTP pod's transaction that sets a platform job's scope sees no other organisation", async () => {
      await owner.query(
        `INSERT INTO outbox (id, organization_id, type, aggregate_type, aggregate_id, aggregate_version, aggregate_sequence, payload)
         VALUES (gen_random_uuid(), $1, 'organization.updated', 'organization', $1, 1, 1, '{}')`,
        [other],
      );
      const db = server.app.get(DataSource);
      const seen = await db.transaction(async (m) => {
        await m.query(`SELECT set_config('app.platform_scope', 'outbox-relay', true)`);
        return (await m.query(`SELECT count(*)::int AS n FROM outbox`)) as { n: number }[];
      });
      expect(seen).toEqual([{ n: 0 }]);
      // Nor can it take the jobs' role, directly or through the platform path.
      await expect(db.query(`SET ROLE ${PLATFORM_JOBS_ROLE}`)).rejects.toThrow(
        /permission denied to set role/,
      );
      await expect(
        server.app.get(TenantTransactions).runPlatform('outbox-relay', (m) => m.query(`SELECT 1`)),
      ).rejects.toThrow(/permission denied to set role/);
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

  it("API8:2023 api-server refuses to start as its worker's role (which can act as the platform jobs)", async () => {
    await expect(
      bootTestApp(ApiServerEnv, createApiServerApp, AUTH, { connectAs: 'worker' }),
    ).rejects.toThrow(/can act as "ppt_jobs", the platform jobs' role/);
  });

  it("API8:2023 api-worker refuses to start as api-server's role (its jobs could not run)", async () => {
    await expect(
      bootTestApp(ApiServerEnv, (env) => createWorkerApp(WorkerModule.register(env)), AUTH),
    ).rejects.toThrow(/is not a member of "ppt_jobs"/);
  });

  describe("the worker's platform jobs", () => {
    let server: BootedApiServer;
    let worker: INestApplication;
    let owner: Client;
    const orgs = [randomUUID(), randomUUID()];

    beforeAll(async () => {
      server = await bootApiServer();
      worker = await createTestWorker(server);
      await worker.init();
      owner = new Client({ connectionString: server.db.ownerUrl });
      await owner.connect();
      for (const org of orgs) {
        await owner.query(`INSERT INTO organizations (id, name, slug) VALUES ($1, 'Org', $2)`, [
          org,
          `o-${org}`,
        ]);
      }
    });
    afterAll(async () => {
      await owner?.end();
      await worker?.close();
      await server?.close();
    });

    it("API1:2023 run as the jobs' role, which reaches across organisations only what the job needs", async () => {
      // Already published: the running relay leaves them alone.
      for (const org of orgs) {
        await owner.query(
          `INSERT INTO outbox (id, organization_id, type, aggregate_type, aggregate_id, aggregate_version, aggregate_sequence, payload, published_at)
           VALUES (gen_random_uuid(), $1, 'organization.updated', 'organization', $1, 1, 1, '{}', now())`,
          [org],
        );
      }
      const [role, events, users] = await worker
        .get(TenantTransactions)
        .runPlatform('outbox-relay', async (m) => [
          ((await m.query(`SELECT current_user AS r`)) as { r: string }[])[0].r,
          (
            (await m.query(`SELECT count(*)::int AS n FROM outbox WHERE organization_id = ANY($1)`, [
              orgs,
            ])) as {
              n: number;
            }[]
          )[0].n,
          await m.query(`SELECT count(*) FROM users`).catch((err: Error) => err.message),
        ]);
      expect([role, events]).toEqual([PLATFORM_JOBS_ROLE, 2]);
      expect(users).toMatch(/permission denied for table users/);
    });
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
