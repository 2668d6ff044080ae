import { CLOCK_TOLERANCE_S, SigningKeys } from '@ppt/auth';
import { sign, type JwtHeader } from 'jsonwebtoken';
import request from 'supertest';
import { bootApiServer, type BootedApiServer } from './boot';
import { bearer, createOAuthClient, registerAndLogin } from './identity';

describe('service clients: client credentials and SSO introspection', () => {
  let server: BootedApiServer;
  const http = () => server.app.getHttpServer();
  let portal: { clientId: string; secret: string };
  let integration: { clientId: string; secret: string };

  beforeAll(async () => {
    server = await bootApiServer();
    portal = await createOAuthClient(server, ['sso:introspect']);
    integration = await createOAuthClient(server, ['listings:read']);
  });
  afterAll(() => server.close());

  const tokenFor = async (client: { clientId: string; secret: string }) =>
    (
      await request(http())
        .post('/api/v1/oauth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret })
        .expect(200)
    ).body as { access_token: string; token_type: string; expires_in: number; scope: string };

  it('issues a service token for a form-encoded request and for HTTP Basic', async () => {
    const form = await tokenFor(portal);
    expect(form).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'sso:introspect' });
    const basic = await request(http())
      .post('/api/v1/oauth/token')
      .auth(portal.clientId, portal.secret)
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    expect(basic.body.scope).toBe('sso:introspect');
  });

  it('refuses a wrong secret, an unknown client, a scope not granted and another grant type', async () => {
    const wrong = await request(http())
      .post('/api/v1/oauth/token')
      .send({ grant_type: 'client_credentials', client_id: portal.clientId, client_secret: 'nope' })
      .expect(401);
    // RFC 6749 §5.2: the token endpoint answers in OAuth's shape, not the error envelope.
    expect(wrong.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    const undecodable = await request(http())
      .post('/api/v1/oauth/token')
      .set('Authorization', `Basic ${Buffer.from('client%:secret%zz').toString('base64')}`)
      .send({ grant_type: 'client_credentials' })
      .expect(401);
    expect(undecodable.body.error).toBe('invalid_client');
    await request(http())
      .post('/api/v1/oauth/token')
      .send({ grant_type: 'client_credentials', client_id: 'ghost', client_secret: 'nope' })
      .expect(401);
    const scope = await request(http())
      .post('/api/v1/oauth/token')
      .send({
        grant_type: 'client_credentials',
        client_id: portal.clientId,
        client_secret: portal.secret,
        scope: 'sso:introspect admin:all',
      })
      .expect(400);
    expect(scope.body.error).toBe('invalid_scope');
    const grant = await request(http())
      .post('/api/v1/oauth/token')
      .send({ grant_type: 'password', username: 'a', password: 'b' })
      .expect(400);
    expect(grant.body.error).toBe('unsupported_grant_type');
  });

  it('introspects a user token for a service with sso:introspect, and says inactive once the session ends', async () => {
    const service = await tokenFor(portal);
    const user = await registerAndLogin(http(), 'sso');
    const active = await request(http())
      .post('/api/v1/auth/introspect')
      .set(bearer(service.access_token))
      .send({ token: user.accessToken })
      .expect(200);
    expect(active.body).toMatchObject({
      active: true,
      sub: user.id,
      org: null,
      role: null,
      sid: expect.any(String),
      exp: expect.any(Number),
      scope: '',
    });

    await request(http()).post('/api/v1/auth/logout').set(bearer(user.accessToken)).expect(204);
    const ended = await request(http())
      .post('/api/v1/auth/introspect')
      .set(bearer(service.access_token))
      .send({ token: user.accessToken })
      .expect(200);
    expect(ended.body).toEqual({ active: false });

    const garbage = await request(http())
      .post('/api/v1/auth/introspect')
      .set(bearer(service.access_token))
      .send({ token: 'garbage' })
      .expect(200);
    expect(garbage.body).toEqual({ active: false });
  });

  it('refuses introspection without the sso:introspect scope (403) and without a token (401)', async () => {
    const other = await tokenFor(integration);
    const user = await registerAndLogin(http(), 'sso-denied');
    const denied = await request(http())
      .post('/api/v1/auth/introspect')
      .set(bearer(other.access_token))
      .send({ token: user.accessToken })
      .expect(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    await request(http())
      .post('/api/v1/auth/introspect')
      .set(bearer(user.accessToken))
      .send({ token: user.accessToken })
      .expect(403);
    await request(http()).post('/api/v1/auth/introspect').send({ token: user.accessToken }).expect(401);
  });

  it('does not let a service token act as a user', async () => {
    const service = await tokenFor(portal);
    const res = await request(http()).get('/api/v1/auth/me').set(bearer(service.access_token)).expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('accepts a service token on every call until it expires, and not a moment after', async () => {
    const keys = server.app.get(SigningKeys);
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const shortLived = sign({ typ: 'service', scope: 'sso:introspect', exp: expiresAt }, keys.privateKey, {
      algorithm: 'RS256',
      keyid: keys.kid,
      header: { typ: 'at+jwt' } as JwtHeader,
      issuer: server.env.AUTH_ISSUER,
      audience: server.env.AUTH_AUDIENCE,
      subject: portal.clientId,
    });
    const user = await registerAndLogin(http(), 'sso-expiry');
    for (let i = 0; i < 3; i++) {
      const res = await request(http())
        .post('/api/v1/auth/introspect')
        .set(bearer(shortLived))
        .send({ token: user.accessToken })
        .expect(200);
      expect(res.body).toMatchObject({ active: true, sub: user.id });
    }
    // Accepted up to the documented clock tolerance after `exp`, and not a moment after that.
    await new Promise((r) => setTimeout(r, (expiresAt + CLOCK_TOLERANCE_S) * 1000 - Date.now() + 50));
    const expired = await request(http())
      .post('/api/v1/auth/introspect')
      .set(bearer(shortLived))
      .send({ token: user.accessToken })
      .expect(401);
    expect(expired.body.error.code).toBe('UNAUTHORIZED');
  });
});
