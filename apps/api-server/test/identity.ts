import type { MembershipRole } from '@ppt/db';
import { hash } from 'argon2';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Client } from 'pg';
import request from 'supertest';
import type { BootedApiServer } from './boot';

export const PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

export async function register(http: Server, email = uniqueEmail(), password = PASSWORD): Promise<string> {
  const res = await request(http)
    .post('/api/v1/auth/register')
    .send({ email, password, displayName: email.split('@')[0] })
    .expect(201);
  return res.body.id as string;
}

export async function login(http: Server, email: string, password = PASSWORD, organizationId?: string) {
  const res = await request(http)
    .post('/api/v1/auth/login')
    .send({ email, password, organizationId })
    .expect(200);
  return res.body as { accessToken: string; refreshToken: string; expiresIn: number; tokenType: string };
}

export async function registerAndLogin(http: Server, label = 'user'): Promise<TestUser> {
  const email = uniqueEmail(label);
  const id = await register(http, email);
  return { id, email, ...(await login(http, email)) };
}

/**
 * An organisation created by `admin` (org_admin), and the admin's token acting in it. The switch
 * ends the token the session held before, so `admin.accessToken` becomes the new one.
 */
export async function createOrganization(
  http: Server,
  admin: TestUser,
  name = 'Org ' + randomUUID().slice(0, 6),
) {
  const res = await request(http)
    .post('/api/v1/organizations')
    .set('Authorization', `Bearer ${admin.accessToken}`)
    .send({ name })
    .expect(201);
  const switched = await request(http)
    .post('/api/v1/auth/switch-organization')
    .set('Authorization', `Bearer ${admin.accessToken}`)
    .send({ organizationId: res.body.id })
    .expect(200);
  admin.accessToken = switched.body.accessToken as string;
  return { id: res.body.id as string, adminToken: switched.body.accessToken as string };
}

/** Direct SQL as the database owner, for fixtures the API does not offer (platform admins, clients). */
export async function asOwner<T>(server: BootedApiServer, run: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: server.db.ownerUrl });
  await db.connect();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
}

export function makePlatformAdmin(server: BootedApiServer, userId: string): Promise<unknown> {
  return asOwner(server, (db) =>
    db.query('UPDATE users SET is_platform_admin = true WHERE id = $1', [userId]),
  );
}

export async function createOAuthClient(server: BootedApiServer, scopes: string[]) {
  const clientId = `client-${randomUUID().slice(0, 8)}`;
  const secret = `secret-${randomUUID()}`;
  await asOwner(server, async (db) =>
    db.query('INSERT INTO oauth_clients (client_id, name, secret_hash, scopes) VALUES ($1, $2, $3, $4)', [
      clientId,
      'Test client',
      await hash(secret),
      scopes,
    ]),
  );
  return { clientId, secret };
}

export async function addMember(
  http: Server,
  adminToken: string,
  organizationId: string,
  email: string,
  role: MembershipRole,
) {
  const res = await request(http)
    .post(`/api/v1/organizations/${organizationId}/members`)
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ email, role })
    .expect(201);
  return res.body as { id: string; userId: string };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
