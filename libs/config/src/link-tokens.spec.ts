import { LinkTokens, parseSecretList, secretListProblem } from './link-tokens';

const secret = (c: string) => c.repeat(32);

describe('link tokens', () => {
  it('round-trips the fields; the first secret signs, every secret verifies', () => {
    const old = new LinkTokens('test:v1', [secret('a')]);
    const rotated = new LinkTokens('test:v1', [secret('b'), secret('a')]);
    const token = old.sign(['one', '*']);
    expect(old.verify(token)).toEqual(['one', '*']);
    expect(rotated.verify(token)).toEqual(['one', '*']);
    // A token of the new first secret is not one the old ring verifies.
    expect(old.verify(rotated.sign(['one']))).toBeNull();
    expect(new LinkTokens('test:v1', [secret('b')]).verify(rotated.sign(['one']))).toEqual(['one']);
  });

  it('refuses another purpose, another secret, an altered body or mac, and garbage', () => {
    const tokens = new LinkTokens('test:v1', [secret('a')]);
    const token = tokens.sign(['x', 'y']);
    const [body, mac] = token.split('.');
    expect(new LinkTokens('other:v1', [secret('a')]).verify(token)).toBeNull();
    expect(new LinkTokens('test:v1', [secret('c')]).verify(token)).toBeNull();
    expect(tokens.verify(`${Buffer.from('x.z').toString('base64url')}.${mac}`)).toBeNull();
    expect(tokens.verify(`${body}.${mac.slice(0, -2)}`)).toBeNull();
    expect(tokens.verify(`${token}.x`)).toBeNull();
    expect(tokens.verify('')).toBeNull();
    expect(() => tokens.sign(['a.b'])).toThrow(/dots/);
    expect(() => new LinkTokens('test:v1', [])).toThrow();
  });

  it('reads a comma-separated secret list and names what is wrong with one', () => {
    expect(parseSecretList(` ${secret('a')} ,, ${secret('b')} `)).toEqual([secret('a'), secret('b')]);
    expect(secretListProblem(`${secret('a')},${secret('b')}`)).toBeNull();
    expect(secretListProblem('')).toMatch(/at least one/);
    expect(secretListProblem(`${secret('a')},short`)).toMatch(/secret 2 .*32/);
  });
});
