import type { MembershipRole } from '@ppt/db';
import { hash } from 'argon2';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
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

/** Asks to register `email`; the answer is 202 accepted whether or not the address is taken. */
export async function submitRegistration(http: Server, email: string, password = PASSWORD): Promise<void> {
  await request(http)
    .post('/api/v1/auth/register')
    .send({ email, password, displayName: email.split('@')[0] })
    .expect(202, { status: 'accepted' });
}

/**
 * Registers `email` and answers the new account's id. Register says nothing about the account (no
 * enumeration), so the id is read from a sign-in whose session is ended again: the account is left
 * with no session, as registering leaves it.
 */
export async function register(http: Server, email = uniqueEmail(), password = PASSWORD): Promise<string> {
  await submitRegistration(http, email, password);
  const { accessToken } = await login(http, email, password);
  await request(http).post('/api/v1/auth/logout').set(bearer(accessToken)).expect(204);
  return subjectOf(accessToken);
}

/** The user id (`sub`) of an access token. */
export const subjectOf = (accessToken: string): string =>
  JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString()).sub as string;

export async function login(http: Server, email: string, password = PASSWORD, organizationId?: string) {
  const res = await request(http)
    .post('/api/v1/auth/login')
    .send({ email, password, organizationId })
    .expect(200);
  return res.body as { accessToken: string; refreshToken: string; expiresIn: number; tokenType: string };
}

/**
 * Each booted server's owner connection, keyed by its HTTP server (boot.ts records it), so fixtures
 * that are handed only `http` can do what the API deliberately does not offer.
 */
const ownerUrls = new WeakMap<Server, string>();
/** For a test that restarted its app in place (a new HTTP server on the same database). */
let lastOwnerUrl: string | undefined;

export function rememberOwnerUrl(http: Server, ownerUrl: string): void {
  ownerUrls.set(http, ownerUrl);
  lastOwnerUrl = ownerUrl;
}

async function asOwnerOf<T>(http: Server, run: (db: Client) => Promise<T>): Promise<T> {
  const ownerUrl = ownerUrls.get(http) ?? lastOwnerUrl;
  if (!ownerUrl) throw new Error('no api-server was booted through bootApiServer');
  const db = new Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
}

/**
 * Fixture shortcut for "they clicked the link in the verification e-mail" (mail-flows.e2e-spec.ts
 * does it for real): an unverified account holds no organisation.
 */
export async function markEmailVerified(http: Server, userId: string): Promise<void> {
  const updated = await asOwnerOf(http, (db) =>
    db.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [userId]),
  );
  if (updated.rowCount !== 1) throw new Error(`no user ${userId} in this server's database`);
}

/** markEmailVerified by address, for an account whose id register does not tell. */
async function markAddressVerified(http: Server, email: string): Promise<void> {
  const updated = await asOwnerOf(http, (db) =>
    db.query('UPDATE users SET email_verified_at = now() WHERE lower(email) = lower($1)', [email]),
  );
  if (updated.rowCount !== 1) throw new Error(`no user ${email} in this server's database`);
}

/** A new account whose e-mail is verified, signed in. */
export async function registerAndLogin(http: Server, label = 'user'): Promise<TestUser> {
  const email = uniqueEmail(label);
  await submitRegistration(http, email);
  await markAddressVerified(http, email);
  const tokens = await login(http, email);
  signedIn.set(email.toLowerCase(), tokens.accessToken);
  return { id: subjectOf(tokens.accessToken), email, ...tokens };
}

/** The access token registerAndLogin got for each address, so addMember need not sign in again (argon2). */
const signedIn = new Map<string, string>();

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

/**
 * Makes an existing, verified account (password PASSWORD) a member the only way there is: the admin
 * invites, the invitee signs in and accepts. The mailed token is replaced by one the fixture knows
 * (only its hash is stored; mail-flows.e2e-spec.ts follows the real mailed link).
 */
export async function addMember(
  http: Server,
  adminToken: string,
  organizationId: string,
  email: string,
  role: MembershipRole,
) {
  const invitation = await invite(http, adminToken, organizationId, email, role);
  const token = await knownInvitationToken(http, invitation.id);
  const acceptAs = (accessToken: string) =>
    request(http).post('/api/v1/me/invitations/accept').set(bearer(accessToken)).send({ token });
  let accessToken = signedIn.get(email.toLowerCase());
  let accepted = accessToken ? await acceptAs(accessToken) : undefined;
  if (!accessToken || accepted?.status === 401) {
    // That session has ended (or there was none): sign in afresh.
    accessToken = (await login(http, email)).accessToken;
    accepted = await acceptAs(accessToken);
  }
  if (accepted?.status !== 200) {
    throw new Error(`accepting the invitation failed: ${accepted?.status} ${JSON.stringify(accepted?.body)}`);
  }
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString());
  return { id: accepted.body.membershipId as string, userId: claims.sub as string };
}

export async function invite(
  http: Server,
  adminToken: string,
  organizationId: string,
  email: string,
  role: MembershipRole,
) {
  const res = await request(http)
    .post(`/api/v1/organizations/${organizationId}/invitations`)
    .set(bearer(adminToken))
    .send({ email, role })
    .expect(201);
  return res.body as { id: string; email: string; role: MembershipRole; status: string };
}

/** Gives an invitation a token the test knows (the real one went out by mail, stored only as a hash). */
export async function knownInvitationToken(http: Server, invitationId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const updated = await asOwnerOf(http, (db) =>
    db.query('UPDATE organization_invitations SET token_hash = $2 WHERE id = $1', [
      invitationId,
      createHash('sha256').update(token).digest('hex'),
    ]),
  );
  if (updated.rowCount !== 1) throw new Error(`no invitation ${invitationId} in this server's database`);
  return token;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
