import { UnsubscribeTokens } from './unsubscribe-token';

const claim = {
  organizationId: '1e3a5c7e-9b1d-4f3a-8c5e-7a9b1d3f5e7a',
  userId: '2b4d6f8a-0c2e-4a6c-8e0a-2c4e6a8c0e2a',
  type: 'vote' as const,
};

describe('unsubscribe tokens', () => {
  const tokens = new UnsubscribeTokens('server secret');

  it('round-trips a claim, including the every-type claim of a digest', () => {
    expect(tokens.verify(tokens.sign(claim))).toEqual(claim);
    expect(tokens.verify(tokens.sign({ ...claim, type: '*' }))?.type).toBe('*');
  });

  it('refuses a token signed with another secret, an altered body or mac, and garbage', () => {
    const token = tokens.sign(claim);
    const [body, mac] = token.split('.');
    expect(new UnsubscribeTokens('other secret').verify(token)).toBeNull();
    const otherUser = Buffer.from(`${claim.organizationId}.${claim.organizationId}.vote`).toString(
      'base64url',
    );
    expect(tokens.verify(`${otherUser}.${mac}`)).toBeNull();
    expect(tokens.verify(`${body}.${mac.slice(0, -2)}`)).toBeNull();
    expect(tokens.verify(`${body}.${mac}.x`)).toBeNull();
    expect(tokens.verify('')).toBeNull();
    expect(tokens.verify('abc')).toBeNull();
  });

  it('refuses a well-signed claim whose content is not an organisation, user and known type', () => {
    expect(tokens.verify(tokens.sign({ ...claim, type: 'nonsense' as never }))).toBeNull();
    expect(tokens.verify(tokens.sign({ ...claim, userId: 'not-a-uuid' }))).toBeNull();
  });
});
