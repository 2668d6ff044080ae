import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { bearer } from './identity';

/** Runs a CLI without blocking this process's event loop (the server under test keeps answering). */
const run = promisify(execFile);

/**
 * `npm run seed` against a real api-server: the demo tenant is linked to the person who rents flat 1A,
 * so the demo shows a resident who sees their own unit, its meter and the faults they reported (and
 * reports faults only where they live). tools/dev/start.e2e-spec.ts runs the same seed on `npm start`.
 */
describe('demo seed', () => {
  let server: BootedApiServer;

  beforeAll(async () => {
    server = await bootApiServer();
    await server.app.listen(0, '127.0.0.1');
  });
  afterAll(() => server.close());

  it('prints a tenant who sees their own unit, meter and faults', async () => {
    const { port } = server.app.getHttpServer().address() as AddressInfo;
    const seed = await run(process.execPath, ['tools/seed/seed.mjs'], {
      cwd: join(__dirname, '../../..'),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        SEED_API_URL: `http://127.0.0.1:${port}/api/v1`,
        DATABASE_MIGRATION_URL: server.db.ownerUrl,
      },
    });
    expect(seed.stderr).toBe('');
    expect(seed.stdout).toMatch(
      /the tenant sees unit\(s\) 1A, meter\(s\) WC-\S+-1A-\S+, fault\(s\) "Dripping kitchen tap"\n/,
    );

    // The printed account really is such a tenant.
    const email = /tenant\s+(\S+) \//.exec(seed.stdout)?.[1];
    const login = await request(server.app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ email, password: 'demo password 2026' })
      .expect(200);
    const token = login.body.accessToken as string;
    const units = await request(server.app.getHttpServer())
      .get('/api/v1/units')
      .set(bearer(token))
      .expect(200);
    expect(units.body.items.map((u: { number: string }) => u.number)).toEqual(['1A']);
    const meters = await request(server.app.getHttpServer())
      .get('/api/v1/meters')
      .set(bearer(token))
      .expect(200);
    expect(meters.body.items.map((m: { unitId: string }) => m.unitId)).toEqual([units.body.items[0].id]);
  });
});
