import { generateVAPIDKeys } from 'web-push';
import { validateEnv } from '@ppt/config';
import { unsubscribeSecrets, vapidProblem, withNotificationEnv } from './notification-delivery.env';
import { UnsubscribeTokens } from './unsubscribe-token';

describe('VAPID settings', () => {
  const keys = generateVAPIDKeys();
  const full = {
    VAPID_PUBLIC_KEY: keys.publicKey,
    VAPID_PRIVATE_KEY: keys.privateKey,
    VAPID_SUBJECT: 'mailto:ops@example.com',
  };

  it('accepts none (push off) or a complete, well-formed set', () => {
    expect(vapidProblem({})).toBeNull();
    expect(vapidProblem(full)).toBeNull();
    expect(vapidProblem({ ...full, VAPID_SUBJECT: 'https://example.com/contact' })).toBeNull();
  });

  it('refuses a partial set, malformed keys and a subject that is not mailto:/https:', () => {
    expect(vapidProblem({ VAPID_PUBLIC_KEY: keys.publicKey })).toMatch(/go together/);
    expect(vapidProblem({ ...full, VAPID_PUBLIC_KEY: keys.privateKey })).toMatch(/VAPID_PUBLIC_KEY/);
    expect(vapidProblem({ ...full, VAPID_PRIVATE_KEY: keys.publicKey })).toMatch(/VAPID_PRIVATE_KEY/);
    expect(vapidProblem({ ...full, VAPID_SUBJECT: 'http://example.com' })).toMatch(/VAPID_SUBJECT/);
  });
});

describe('NOTIFICATION_UNSUBSCRIBE_SECRETS', () => {
  class Env extends withNotificationEnv(class {}) {
    NODE_ENV = 'development';
  }
  const secret = 's'.repeat(32);

  it('is required in production and must list secrets of 32+ characters when set', () => {
    expect(() => validateEnv(Env, { NODE_ENV: 'production' })).toThrow(/NOTIFICATION_UNSUBSCRIBE_SECRETS/);
    expect(() =>
      validateEnv(Env, { NODE_ENV: 'production', NOTIFICATION_UNSUBSCRIBE_SECRETS: 'short' }),
    ).toThrow(/NOTIFICATION_UNSUBSCRIBE_SECRETS/);
    expect(
      validateEnv(Env, {
        NODE_ENV: 'production',
        NOTIFICATION_UNSUBSCRIBE_SECRETS: `${secret},${'t'.repeat(40)}`,
      }).NOTIFICATION_UNSUBSCRIBE_SECRETS,
    ).toBe(`${secret},${'t'.repeat(40)}`);
    expect(() => validateEnv(Env, {})).not.toThrow();
  });

  it('signs with the first secret and verifies all, independent of the JWT key', () => {
    const claim = {
      organizationId: '1e3a5c7e-9b1d-4f3a-8c5e-7a9b1d3f5e7a',
      userId: '2b4d6f8a-0c2e-4a6c-8e0a-2c4e6a8c0e2a',
      type: 'vote' as const,
    };
    const before = new UnsubscribeTokens(
      unsubscribeSecrets({ NOTIFICATION_UNSUBSCRIBE_SECRETS: secret, AUTH_JWT_PRIVATE_KEY: 'jwt key one' }),
    );
    const link = before.sign(claim);
    // The JWT key rotates: the link still works. A new secret is prepended: it still works.
    const after = new UnsubscribeTokens(
      unsubscribeSecrets({
        NOTIFICATION_UNSUBSCRIBE_SECRETS: `${'n'.repeat(32)},${secret}`,
        AUTH_JWT_PRIVATE_KEY: 'jwt key two',
      }),
    );
    expect(after.verify(link)).toEqual(claim);
    expect(before.verify(after.sign(claim))).toBeNull();
    // Development and test without the list: derived from the JWT key.
    expect(unsubscribeSecrets({ AUTH_JWT_PRIVATE_KEY: 'jwt key one' })).toEqual(['jwt key one']);
  });
});
