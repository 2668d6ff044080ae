import { testSigningKey } from '@ppt/testing';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { decode, sign, type JwtHeader, type SignOptions } from 'jsonwebtoken';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { addMember, bearer, createOrganization, registerAndLogin, type TestUser } from './identity';

/** Access-token verification: only our RS256 tokens, from our issuer, for our audience, in their time window. */
describe('access tokens', () => {
  let server: BootedApiServer;
  let user: TestUser;
  const http = () => server.app.getHttpServer();
  const privateKey = () => createPrivateKey(Buffer.from(testSigningKey(), 'base64').toString());

  beforeAll(async () => {
    server = await bootApiServer();
    user = await registerAndLogin(http(), 'tokens');
  });
  afterAll(() => server.close());

  const claimsOf = (token: string) =>
    decode(token, { complete: true }) as {
      header: { alg: string; kid: string; typ: string };
      payload: Record<string, unknown>;
    };

  /** A token like ours, with overrides, signed by our key unless told otherwise. */
  function forge(
    payload: Record<string, unknown> = {},
    options: SignOptions = {},
    key: KeyObject | Buffer = privateKey(),
  ): string {
    const { payload: real, header } = claimsOf(user.accessToken);
    const { iat: _iat, exp: _exp, nbf: _nbf, ...rest } = real;
    const lifetime = 'exp' in payload ? {} : { expiresIn: 600 };
    return sign({ ...rest, nbf: Math.floor(Date.now() / 1000), ...payload }, key, {
      algorithm: 'RS256',
      keyid: header.kid,
      header: { typ: header.typ } as JwtHeader, // alg comes from `algorithm`
      ...lifetime,
      ...options,
    });
  }

  it('issues RS256 tokens with the documented claims, verifiable with the published JWKS', async () => {
    const { header, payload } = claimsOf(user.accessToken);
    expect(header.alg).toBe('RS256');
    expect(header.typ).toBe('at+jwt'); // RFC 9068 §2.1
    expect(payload).toMatchObject({
      sub: user.id,
      iss: 'http://api.test',
      aud: ['ppt', 'ppt-portal'], // api-server and the portal
      client_id: 'ppt-app',
      typ: 'access',
      gen: 0,
    });
    for (const claim of ['sid', 'iat', 'exp', 'jti', 'nbf']) expect(payload[claim]).toBeDefined();
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    expect(payload).toHaveProperty('org', null);
    expect(payload).toHaveProperty('role', null);

    const jwks = await request(http()).get('/.well-known/jwks.json').expect(200);
    const jwk = jwks.body.keys.find((k: { kid: string }) => k.kid === header.kid);
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwk.d).toBeUndefined();
    const published = createPublicKey({ key: jwk, format: 'jwk' });
    expect(published.export({ format: 'pem', type: 'spki' })).toBe(
      createPublicKey(privateKey()).export({ format: 'pem', type: 'spki' }),
    );
  });

  it('accepts a valid token', async () => {
    const me = await request(http()).get('/api/v1/auth/me').set(bearer(user.accessToken)).expect(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email, emailVerified: true, memberships: [] });
    await request(http()).get('/api/v1/auth/me').set(bearer(forge())).expect(200);
  });

  const rejected: [string, () => Record<string, string>][] = [
    ['no token', () => ({})],
    ['a malformed token', () => bearer('not.a.jwt')],
    ['a token without the Bearer scheme', () => ({ Authorization: user.accessToken })],
    ['an expired token', () => bearer(forge({ exp: Math.floor(Date.now() / 1000) - 10 }))],
    [
      'a token not valid yet (nbf in the future)',
      () => bearer(forge({ nbf: Math.floor(Date.now() / 1000) + 3600 })),
    ],
    ['a token with a bad signature', () => bearer(`${user.accessToken.slice(0, -6)}AAAAAA`)],
    [
      'a token signed by another key',
      () => bearer(forge({}, {}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)),
    ],
    [
      'alg: none',
      () => {
        const { header, payload } = claimsOf(user.accessToken);
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return bearer(`${enc({ ...header, alg: 'none' })}.${enc(payload)}.`);
      },
    ],
    [
      'HS256 signed with the public key',
      () => {
        const publicPem = createPublicKey(privateKey()).export({ format: 'pem', type: 'spki' }) as string;
        return bearer(forge({}, { algorithm: 'HS256' }, Buffer.from(publicPem)));
      },
    ],
    ['a token of another issuer', () => bearer(forge({ iss: 'https://evil.example' }))],
    ['a token for another audience', () => bearer(forge({ aud: 'another-api' }))],
    ['an unknown key id', () => bearer(forge({}, { keyid: 'unknown-kid' }))],
    [
      'a JWT that is not typed as an access token (typ JWT, RFC 9068 §4)',
      () => bearer(forge({}, { header: { typ: 'JWT' } as JwtHeader })),
    ],
    [
      'a token expired longer ago than the 5 s clock tolerance',
      () => bearer(forge({ exp: Math.floor(Date.now() / 1000) - 7 })),
    ],
  ];

  it.each(rejected)('rejects %s with 401 and the error envelope', async (label, headers) => {
    const res = await request(http()).get('/api/v1/auth/me').set(headers()).expect(401);
    expect(res.body.error).toMatchObject({ code: 'UNAUTHORIZED', requestId: expect.any(String) });
    // RFC 6750 §3: the bare challenge without a token, error="invalid_token" for a refused one.
    if (label === 'no token' || label === 'a token without the Bearer scheme')
      expect(res.headers['www-authenticate']).toBe('Bearer realm="ppt"');
    else
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer realm="ppt", error="invalid_token", error_description="Invalid[^"]*"$/,
      );
  });

  it('accepts a token that expired or starts within the 5 s clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    await request(http())
      .get('/api/v1/auth/me')
      .set(bearer(forge({ exp: now - 2 })))
      .expect(200);
    await request(http())
      .get('/api/v1/auth/me')
      .set(bearer(forge({ nbf: now + 2 })))
      .expect(200);
  });

  it('answers 403 to a valid token whose role is not enough, and 200 to one whose role is', async () => {
    const admin = await registerAndLogin(http(), 'role-admin');
    const org = await createOrganization(http(), admin);
    const tenant = await registerAndLogin(http(), 'role-tenant');
    await addMember(http(), org.adminToken, org.id, tenant.email, 'tenant');
    const tenantToken = (
      await request(http())
        .post('/api/v1/auth/switch-organization')
        .set(bearer(tenant.accessToken))
        .send({ organizationId: org.id })
        .expect(200)
    ).body.accessToken as string;
    expect(claimsOf(tenantToken).payload).toMatchObject({ org: org.id, role: 'tenant' });

    const forbidden = await request(http())
      .patch(`/api/v1/organizations/${org.id}`)
      .set(bearer(tenantToken))
      .send({ name: 'Renamed' })
      .expect(403);
    expect(forbidden.body.error.code).toBe('ROLE_NOT_ALLOWED');
    await request(http())
      .patch(`/api/v1/organizations/${org.id}`)
      .set(bearer(org.adminToken))
      .send({ name: 'Renamed' })
      .expect(200);
    await request(http())
      .post('/api/v1/platform/users/' + randomUUID() + '/disable')
      .set(bearer(org.adminToken))
      .expect(403);
  });
});
