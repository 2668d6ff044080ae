import { generateVAPIDKeys } from 'web-push';
import { vapidProblem } from './notification-delivery.env';

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
