import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import { AppError } from '@ppt/observability';
import { PERMISSION_KEY, SCOPES_KEY } from './auth.tokens';
import { Permission } from './permissions';
import { AuthorizationGuard } from './guards';
import type { Principal, UserPrincipal } from './principal';
import { readPem, SigningKeys, thumbprint } from './signing-keys';

const rsaPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;

describe('SigningKeys', () => {
  const current = rsaPem();
  const previousPublic = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('derives a stable RFC 7638 key id and publishes public parts only', () => {
    const keys = new SigningKeys(current);
    expect(new SigningKeys(current).kid).toBe(keys.kid);
    expect(keys.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [jwk] = keys.jwks().keys;
    expect(jwk).toMatchObject({ kty: 'RSA', kid: keys.kid, alg: 'RS256', use: 'sig', e: 'AQAB' });
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwk).not.toHaveProperty(secret);
  });

  it('accepts the PEM as is, with escaped newlines, or base64-encoded', () => {
    const kid = new SigningKeys(current).kid;
    expect(new SigningKeys(Buffer.from(current).toString('base64')).kid).toBe(kid);
    expect(new SigningKeys(current.replace(/\n/g, '\\n')).kid).toBe(kid);
    expect(readPem(Buffer.from(current).toString('base64'))).toBe(current.trim());
  });

  it('keeps previous public keys for verification during a rotation', () => {
    const old = previousPublic.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const keys = new SigningKeys(current, [Buffer.from(old).toString('base64')]);
    const oldKid = thumbprint(previousPublic.publicKey);
    expect(
      keys
        .jwks()
        .keys.map((k) => k.kid)
        .sort(),
    ).toEqual([keys.kid, oldKid].sort());
    expect(keys.verificationKey(oldKid)).toBeDefined();
    expect(keys.verificationKey('nope')).toBeUndefined();
    expect(keys.verificationKey(undefined)).toBeUndefined();
  });

  it('refuses a key that is not RSA', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    expect(() => new SigningKeys(ec)).toThrow(/RSA/);
  });
});

describe('AuthorizationGuard', () => {
  const guard = new AuthorizationGuard(new Reflector());
  const handler = () => undefined;

  function contextWith(metadata: Record<string, unknown>, principal?: Principal): ExecutionContext {
    for (const key of [PERMISSION_KEY, SCOPES_KEY]) Reflect.deleteMetadata(key, handler);
    for (const [key, value] of Object.entries(metadata)) Reflect.defineMetadata(key, value, handler);
    return {
      getHandler: () => handler,
      getClass: () => class {},
      switchToHttp: () => ({ getRequest: () => ({ user: principal }) }),
    } as unknown as ExecutionContext;
  }
  const user = (role: UserPrincipal['role'], platformAdmin = false): Principal => ({
    kind: 'user',
    userId: 'u',
    sessionId: 's',
    organizationId: 'o',
    role,
    platformAdmin,
  });
  const service = (scopes: string[]): Principal => ({ kind: 'service', clientId: 'c', scopes });
  const status = (fn: () => unknown) => {
    try {
      fn();
      return 200;
    } catch (err) {
      return (err as AppError).status;
    }
  };

  it('lets anything through a route without requirements', () => {
    expect(guard.canActivate(contextWith({}, user(null)))).toBe(true);
  });

  it('checks the permission of the role in the current organisation', () => {
    expect(
      status(() =>
        guard.canActivate(contextWith({ [PERMISSION_KEY]: Permission.VoteManage }, user('manager'))),
      ),
    ).toBe(200);
    expect(
      status(() =>
        guard.canActivate(contextWith({ [PERMISSION_KEY]: Permission.VoteManage }, user('tenant'))),
      ),
    ).toBe(403);
    expect(
      status(() => guard.canActivate(contextWith({ [PERMISSION_KEY]: Permission.VoteManage }, user(null)))),
    ).toBe(403);
    expect(
      status(() =>
        guard.canActivate(contextWith({ [PERMISSION_KEY]: Permission.VoteManage }, user(null, true))),
      ),
    ).toBe(200);
  });

  it('requires every scope for service routes, and refuses users there', () => {
    const meta = { [SCOPES_KEY]: ['sso:introspect'] };
    expect(status(() => guard.canActivate(contextWith(meta, service(['sso:introspect', 'x']))))).toBe(200);
    expect(status(() => guard.canActivate(contextWith(meta, service(['x']))))).toBe(403);
    expect(status(() => guard.canActivate(contextWith(meta, user('org_admin', true))))).toBe(403);
  });

  it('keeps platform-admin routes to platform admins and refuses services on user routes', () => {
    expect(
      status(() =>
        guard.canActivate(contextWith({ [PERMISSION_KEY]: Permission.PlatformOperate }, user('org_admin'))),
      ),
    ).toBe(403);
    expect(
      status(() =>
        guard.canActivate(contextWith({ [PERMISSION_KEY]: Permission.PlatformOperate }, user(null, true))),
      ),
    ).toBe(200);
    expect(
      status(() =>
        guard.canActivate(contextWith({ [PERMISSION_KEY]: Permission.VoteManage }, service(['x']))),
      ),
    ).toBe(403);
  });
});
