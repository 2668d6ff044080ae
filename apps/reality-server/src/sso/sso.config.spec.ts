import { ConfigValidationError, validateEnv } from '@ppt/config';
import { RealityServerEnv } from '../reality-server.env';
import { signInOptionsFrom, ssoOptionsFrom } from './sso.config';

describe('SSO configuration', () => {
  it("defaults to api-server's local address and issuer, and the portal's own audience", () => {
    expect(ssoOptionsFrom(validateEnv(RealityServerEnv, {}))).toEqual({
      apiServerUrl: 'http://127.0.0.1:3000',
      issuer: 'http://localhost:3000',
      audience: 'ppt-portal', // api-server's AUTH_PORTAL_AUDIENCE: users' tokens name it, service tokens do not
      clientId: 'reality-server',
      clientSecret: undefined,
      cacheTtlS: 300,
      memoryCacheSize: 20_000,
      readinessCacheMs: 30_000,
    });
  });

  it('requires the client secret in production, naming the command that creates the client', () => {
    const env = validateEnv(RealityServerEnv, { NODE_ENV: 'production' });
    expect(() => ssoOptionsFrom(env)).toThrow(ConfigValidationError);
    expect(() => ssoOptionsFrom(env)).toThrow(/SSO_CLIENT_SECRET: required in production .*create-client/);
  });

  it('requires the announcement key ring in production and accepts a current and a previous key', () => {
    const keys = `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`;
    const withoutKeys = validateEnv(RealityServerEnv, {
      NODE_ENV: 'production',
      SSO_CLIENT_SECRET: 'a-client-secret-of-some-length',
    });
    expect(() => signInOptionsFrom(withoutKeys)).toThrow(/SSO_ANNOUNCEMENT_KEYS: required in production/);
    expect(ssoOptionsFrom(withoutKeys).clientId).toBe('reality-server'); // the worker signs nobody in
    const env = validateEnv(RealityServerEnv, {
      NODE_ENV: 'production',
      SSO_CLIENT_SECRET: 'a-client-secret-of-some-length',
      SSO_ANNOUNCEMENT_KEYS: keys,
    });
    expect(signInOptionsFrom(env).announcementKeys).toBe(keys);
  });

  it('refuses announcement keys shorter than 32 bytes or without ids, without printing them', () => {
    for (const keys of [`k1:${Buffer.alloc(16).toString('base64')}`, Buffer.alloc(32).toString('base64')])
      expect(() => validateEnv(RealityServerEnv, { SSO_ANNOUNCEMENT_KEYS: keys })).toThrow(
        expect.objectContaining({
          problems: [
            expect.stringMatching(
              /^SSO_ANNOUNCEMENT_KEYS: must be "kid:base64key.*\(currently set \(hidden\)\)$/,
            ),
          ],
        }),
      );
  });

  it('explains malformed SSO settings without printing the secret', () => {
    expect(() =>
      validateEnv(RealityServerEnv, {
        API_SERVER_URL: 'api-server:3000',
        SSO_CLIENT_SECRET: 'short',
        SSO_CACHE_TTL_S: '3600',
        SSO_MEMORY_CACHE_SIZE: '10',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^API_SERVER_URL: must be an http\(s\) URL/),
          expect.stringMatching(/^SSO_CLIENT_SECRET: .*\(currently set \(hidden\)\)$/),
          expect.stringMatching(/^SSO_CACHE_TTL_S: .*must not be greater than 900/),
          expect.stringMatching(/^SSO_MEMORY_CACHE_SIZE: .*must not be less than 100/),
        ],
      }),
    );
  });
});
