import { ConfigValidationError, validateEnv } from '@ppt/config';
import { RealityServerEnv } from '../reality-server.env';
import { ssoOptionsFrom } from './sso.config';

describe('SSO configuration', () => {
  it("defaults to api-server's local address, issuer and audience", () => {
    expect(ssoOptionsFrom(validateEnv(RealityServerEnv, {}))).toEqual({
      apiServerUrl: 'http://127.0.0.1:3000',
      issuer: 'http://localhost:3000',
      audience: 'ppt',
      clientId: 'reality-server',
      clientSecret: undefined,
      cacheTtlS: 300,
      memoryCacheSize: 20_000,
    });
  });

  it('requires the client secret in production, naming the command that creates the client', () => {
    const env = validateEnv(RealityServerEnv, { NODE_ENV: 'production' });
    expect(() => ssoOptionsFrom(env)).toThrow(ConfigValidationError);
    expect(() => ssoOptionsFrom(env)).toThrow(/SSO_CLIENT_SECRET: required in production .*create-client/);
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
