import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, IS_PUBLIC } from '@ppt/observability';
import { generateKeyPairSync } from 'node:crypto';
import { thumbprint } from '../signing-keys';
import { AnswerSigner } from './answer-signer';
import { JwksKeys } from './jwks-keys';
import { MemoryTtlCache } from '../memory-cache';
import { IdentityProviderUnavailable } from './sso.errors';
import type { SsoAuthenticator } from './sso-authenticator';
import { cacheTtlSeconds } from './ttl';
import { visitorOf, type VisitorPrincipal } from './visitor';
import { OPTIONAL_SIGN_IN, VisitorGuard } from './visitor.guard';

describe('cacheTtlSeconds', () => {
  const now = 1_000_000_000_000; // ms

  it('caches up to the cap, and never past the token expiry', () => {
    expect(cacheTtlSeconds(now / 1000 + 900, now, 300)).toBe(300);
    expect(cacheTtlSeconds(now / 1000 + 120, now, 300)).toBe(120);
    expect(cacheTtlSeconds(now / 1000 + 120.9, now, 300)).toBe(120);
  });

  it('does not cache what has expired or has no expiry', () => {
    expect(cacheTtlSeconds(now / 1000, now, 300)).toBe(0);
    expect(cacheTtlSeconds(now / 1000 - 5, now, 300)).toBe(0);
    expect(cacheTtlSeconds(undefined, now, 300)).toBe(0);
    expect(cacheTtlSeconds(Number.NaN, now, 300)).toBe(0);
  });
});

describe('MemoryTtlCache', () => {
  let clock = 0;
  const removed: string[] = [];
  const cache = () =>
    new MemoryTtlCache<string>(
      3,
      (key) => removed.push(key),
      () => clock,
    );
  beforeEach(() => {
    clock = 1000;
    removed.length = 0;
  });

  it('evicts the least recently used entry beyond its size, telling the owner', () => {
    const c = cache();
    c.set('a', 'A', 1000);
    c.set('b', 'B', 1000);
    c.set('c', 'C', 1000);
    expect(c.get('a')).toBe('A'); // a is now the most recently used
    c.set('d', 'D', 1000);
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.get('d')]).toEqual(['A', 'C', 'D']);
    expect(c.size).toBe(3);
    expect(removed).toEqual(['b']);
  });

  it('expires entries after their own lifetime', () => {
    const c = cache();
    c.set('short', 'S', 100);
    c.set('long', 'L', 1000);
    clock += 101;
    expect(c.get('short')).toBeUndefined();
    expect(c.get('long')).toBe('L');
    expect(removed).toEqual(['short']);
  });

  it('ignores a non-positive lifetime and reports replaced, deleted and cleared entries', () => {
    const c = cache();
    c.set('zero', 'Z', 0);
    expect(c.get('zero')).toBeUndefined();
    c.set('a', 'A1', 1000);
    c.set('a', 'A2', 1000);
    expect(c.get('a')).toBe('A2');
    c.set('b', 'B', 1000);
    c.delete('a');
    c.clear();
    expect(c.size).toBe(0);
    expect(removed).toEqual(['a', 'a', 'b']);
  });
});

describe('JwksKeys', () => {
  const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const current = rsa();
  const kid = thumbprint(current);
  const jwk = { ...current.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  let clock = 0;
  let loads = 0;
  let answer: () => Promise<unknown>;
  const keys = () =>
    new JwksKeys(
      () => {
        loads++;
        return answer();
      },
      10_000,
      () => clock,
    );
  beforeEach(() => {
    clock = 0;
    loads = 0;
    answer = async () => ({ keys: [jwk] });
  });

  it('loads the key set once and finds keys by kid', async () => {
    const k = keys();
    expect((await k.keyFor(kid))?.export({ format: 'jwk' })).toMatchObject({ n: jwk.n });
    await k.keyFor(kid);
    expect(loads).toBe(1);
  });

  it('refetches on an unknown kid at most once per interval, even for a burst', async () => {
    const k = keys();
    await k.keyFor(kid);
    clock = 10_000;
    const found = await Promise.all(Array.from({ length: 20 }, (_, i) => k.keyFor(`made-up-${i}`)));
    expect(found.every((key) => key === undefined)).toBe(true);
    expect(loads).toBe(2);
    clock = 15_000;
    expect(await k.keyFor('another')).toBeUndefined();
    expect(loads).toBe(2);
  });

  it('picks up a rotated key and drops keys the issuer no longer publishes', async () => {
    const k = keys();
    await k.keyFor(kid);
    const next = rsa();
    const nextKid = thumbprint(next);
    answer = async () => ({ keys: [{ ...next.export({ format: 'jwk' }), kid: nextKid }] });
    clock = 10_000;
    expect(await k.keyFor(nextKid)).toBeDefined();
    expect(await k.keyFor(kid)).toBeUndefined();
  });

  it('skips keys that cannot verify RS256 tokens', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    answer = async () => ({
      keys: [
        { ...ec.export({ format: 'jwk' }), kid: 'ec' },
        { ...jwk, kid: 'hs', alg: 'HS256' },
        { ...jwk, kid: 'enc', use: 'enc' },
        { kty: 'RSA', kid: 'broken', n: 'x', e: 'y' },
        jwk,
      ],
    });
    const k = keys();
    expect(await k.keyFor(kid)).toBeDefined();
    for (const other of ['ec', 'hs', 'enc', 'broken']) expect(await k.keyFor(other)).toBeUndefined();
  });

  it('reports an outage while it has never had keys, and keeps known keys through one', async () => {
    answer = async () => {
      throw new IdentityProviderUnavailable('down');
    };
    const k = keys();
    await expect(k.keyFor(kid)).rejects.toBeInstanceOf(IdentityProviderUnavailable);
    await expect(k.keyFor(kid)).rejects.toBeInstanceOf(IdentityProviderUnavailable); // rate-limited, still unknown

    answer = async () => ({ keys: [jwk] });
    clock = 10_000;
    expect(await k.keyFor(kid)).toBeDefined();
    answer = async () => {
      throw new IdentityProviderUnavailable('down');
    };
    clock = 20_000;
    expect(await k.keyFor('made-up')).toBeUndefined(); // a bad token, not an outage
    expect(await k.keyFor(kid)).toBeDefined();
  });
});

describe('VisitorGuard', () => {
  const visitor: VisitorPrincipal = { kind: 'visitor', userId: 'u', sessionId: 's' };
  const authenticate = jest.fn(async (token: string) => {
    if (token !== 'good') throw new AppError('UNAUTHORIZED', 401, 'Invalid token');
    return visitor;
  });
  const guard = new VisitorGuard(new Reflector(), { authenticate } as unknown as SsoAuthenticator);
  const handler = () => undefined;
  beforeEach(() => authenticate.mockClear());

  async function run(metadata: Record<string, unknown>, authorization?: string) {
    for (const key of [IS_PUBLIC, OPTIONAL_SIGN_IN]) Reflect.deleteMetadata(key, handler);
    for (const [key, value] of Object.entries(metadata)) Reflect.defineMetadata(key, value, handler);
    const req = { headers: authorization ? { authorization } : {} };
    const context = {
      getType: () => 'http',
      getHandler: () => handler,
      getClass: () => class {},
      switchToHttp: () => ({ getRequest: () => req }),
    } as unknown as ExecutionContext;
    try {
      await guard.canActivate(context);
      return { status: 200, visitor: visitorOf(req as never) };
    } catch (err) {
      return { status: (err as AppError).status, message: (err as AppError).message };
    }
  }

  it('requires a signed-in visitor by default', async () => {
    expect(await run({}, 'Bearer good')).toEqual({ status: 200, visitor });
    expect(await run({})).toEqual({ status: 401, message: 'Authentication required' });
    expect(await run({}, 'Basic dXNlcjpwYXNz')).toEqual({ status: 401, message: 'Authentication required' });
    expect(await run({}, 'Bearer bad')).toMatchObject({ status: 401 });
  });

  it('lets anyone through @Public() routes without looking at a token', async () => {
    expect(await run({ [IS_PUBLIC]: true }, 'Bearer bad')).toEqual({ status: 200, visitor: undefined });
    expect(authenticate).not.toHaveBeenCalled();
  });

  it('accepts anonymous callers on @OptionalSignIn() routes, but still checks a token that is sent', async () => {
    expect(await run({ [OPTIONAL_SIGN_IN]: true })).toEqual({ status: 200, visitor: undefined });
    expect(await run({ [OPTIONAL_SIGN_IN]: true }, 'bearer good')).toEqual({ status: 200, visitor });
    expect(await run({ [OPTIONAL_SIGN_IN]: true }, 'Bearer bad')).toMatchObject({ status: 401 });
  });
});

describe('AnswerSigner', () => {
  const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');

  it('signs with the first key and verifies with every key in the ring (rotation)', () => {
    const previous = new AnswerSigner(`k1:${key(1)}`);
    const rotated = new AnswerSigner(`k2:${key(2)},k1:${key(1)}`);
    const signed = rotated.sign('{"a":1}');
    expect(signed.startsWith('v1.k2.')).toBe(true);
    expect(rotated.open(signed)).toEqual({ body: '{"a":1}' });
    expect(rotated.open(previous.sign('{"b":2}'))).toEqual({ body: '{"b":2}' }); // still in flight
    expect(previous.open(signed)).toEqual({ rejected: 'unknown_key' });
  });

  it('rejects unsigned, malformed, tampered and foreign-key messages', () => {
    const signer = new AnswerSigner(`k1:${key(1)}`);
    const other = new AnswerSigner(`k1:${key(9)}`);
    const signed = signer.sign('{"a":1}');
    expect(signer.open('{"a":1}')).toEqual({ rejected: 'unsigned' });
    expect(signer.open('v1.k1')).toEqual({ rejected: 'malformed' });
    expect(signer.open('garbage')).toEqual({ rejected: 'malformed' });
    expect(signer.open(other.sign('{"a":1}'))).toEqual({ rejected: 'bad_mac' });
    expect(signer.open(signed.replace('{"a":1}', '{"a":2}'))).toEqual({ rejected: 'bad_mac' });
    expect(signer.open(signed.replace(/\.[^.]+\.\{/, '.AAAA.{'))).toEqual({ rejected: 'bad_mac' });
  });

  it('refuses key rings with short keys, missing or duplicate ids', () => {
    expect(AnswerSigner.problemWith(`k1:${Buffer.alloc(31).toString('base64')}`)).toMatch(
      /at least 32 bytes/,
    );
    expect(AnswerSigner.problemWith(key(1))).toMatch(/needs an id/);
    expect(AnswerSigner.problemWith(`k1:${key(1)},k1:${key(2)}`)).toMatch(/unique/);
    expect(AnswerSigner.problemWith('')).toMatch(/empty/);
    expect(AnswerSigner.problemWith(`k1:${Buffer.alloc(48).toString('base64')}`)).toBeNull();
  });
});
