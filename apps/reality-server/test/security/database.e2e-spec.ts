import { createWorkerApp } from '@ppt/http';
import { bootTestApp } from '@ppt/testing';
import { DataSource } from 'typeorm';
import { createRealityServerApp } from '../../src/reality-server.app';
import { RealityServerEnv } from '../../src/reality-server.env';
import { WorkerModule } from '../../src/worker.module';
import { bootRealityServer, type BootedRealityServer } from '../boot';

/** Tables of api-server a portal visitor must never reach, even through an injection in the portal. */
const IDENTITY_TABLES = [
  'users',
  'sessions',
  'refresh_tokens',
  'email_tokens',
  'oauth_clients',
  'organizations',
  'memberships',
  'audit_log',
  'outbox',
  'listings',
];

describe('reality-server and its database role', () => {
  describe('running as its own role', () => {
    let portal: BootedRealityServer;
    beforeAll(async () => {
      portal = await bootRealityServer();
    });
    afterAll(() => portal?.close());

    it.each(IDENTITY_TABLES)(
      "API3:2023 the portal's own connection cannot read api-server's %s",
      async (table) => {
        const db = portal.app.get(DataSource);
        await expect(db.query(`SELECT * FROM public.${table} LIMIT 1`)).rejects.toThrow(
          /permission denied for (table|function)/,
        );
      },
    );

    it('API1:2023 cannot widen its reach by setting the RLS scope or creating objects', async () => {
      const db = portal.app.get(DataSource);
      await expect(db.query(`SELECT app_current_org()`)).rejects.toThrow(/permission denied for function/);
      await expect(db.query(`CREATE TABLE public.stash (id int)`)).rejects.toThrow(
        /permission denied for schema public/,
      );
      await expect(db.query(`CREATE TABLE portal.stash (id int)`)).rejects.toThrow(
        /permission denied for schema portal/,
      );
    });
  });

  it("API8:2023 reality-server refuses to start as api-server's role", async () => {
    await expect(
      bootTestApp(RealityServerEnv, createRealityServerApp, {}, { connectAs: 'api' }),
    ).rejects.toThrow(/may use \d+ table\(s\) outside schema "portal" \(public\./);
  });

  it("API8:2023 reality-worker refuses to start as api-server's role", async () => {
    await expect(
      bootTestApp(
        RealityServerEnv,
        (env) => createWorkerApp(WorkerModule.register(env)),
        {},
        { connectAs: 'api' },
      ),
    ).rejects.toThrow(/outside schema "portal"/);
  });
});
