import { bearerChallenge } from './bearer-challenge';

describe('bearerChallenge (RFC 6750 §3)', () => {
  it('is the bare challenge when no token was sent', () => {
    expect(bearerChallenge()).toBe('Bearer realm="ppt"');
  });

  it('names a refused token invalid_token, with a description that cannot break out of its quotes', () => {
    expect(bearerChallenge('Invalid token: the "session" has ended\\\n é')).toBe(
      'Bearer realm="ppt", error="invalid_token", error_description="Invalid token: the session has ended "',
    );
  });
});
