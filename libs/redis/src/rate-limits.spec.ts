import { clientKey, rateLimited } from './rate-limits';

describe('clientKey', () => {
  it('counts an IPv4 address as itself, also when it arrives IPv4-mapped', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts every address of an IPv6 /64 as one client, and different /64s apart', () => {
    const a = clientKey('2001:db8:aa:1::1');
    expect(a).toBe('2001:db8:aa:1::/64');
    expect(clientKey('2001:0db8:00aa:0001:ffff:1234:5678:9abc')).toBe(a);
    expect(clientKey('2001:db8:aa:2::1')).not.toBe(a);
  });

  it('puts missing or malformed addresses under one key', () => {
    expect(clientKey(undefined)).toBe('unknown');
    expect(clientKey('not an address')).toBe('unknown');
  });
});

describe('rateLimited', () => {
  it('is a 429 RATE_LIMITED with Retry-After and draft-10 RateLimit fields, rounding up to whole seconds', () => {
    const err = rateLimited('Sign-in', 1500, { name: 'sign-in-ip', quota: 50, windowS: 900 });
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(err.headers).toEqual({
      'Retry-After': '2',
      'RateLimit-Policy': '"sign-in-ip";q=50;w=900',
      RateLimit: '"sign-in-ip";r=0;t=2',
    });
    expect(rateLimited('Sign-in', 0, { name: 'x', quota: 1, windowS: 60 }).headers?.['Retry-After']).toBe(
      '1',
    );
  });
});
