import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError, CommonErrorCode, IS_PUBLIC } from '@ppt/observability';
import type { Request } from 'express';
import { PERMISSION_KEY, SCOPES_KEY } from './auth.tokens';
import { bearerChallenge } from './bearer-challenge';
import { principalOf } from './decorators';
import { TokenRejected } from './jwt.strategy';
import { grantOf, rolesWith, type Permission } from './permissions';

/** Global: every route needs a valid bearer token unless it is marked @Public(). Deny by default. */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<T>(err: unknown, principal: T, info: unknown): T {
    if (principal && !err) return principal;
    const reason = err ?? info;
    const noToken = reason instanceof Error && reason.message === 'No auth token';
    const message = noToken
      ? 'Authentication required'
      : reason instanceof TokenRejected
        ? `Invalid token: ${reason.message}`
        : 'Invalid or expired token';
    throw new AppError(CommonErrorCode.Unauthorized, 401, message, undefined, {
      'WWW-Authenticate': bearerChallenge(noToken ? undefined : message),
    });
  }
}

/**
 * Global: enforces @RequirePermission and @Scopes after authentication (403 when not met). The role is
 * the token's claim; tokens follow role changes because a change advances the session's generation
 * (the JWT strategy accepts only the current one).
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, targets);
    if (!permission && !scopes) return true;

    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    const forbidden = (message: string) => new AppError(CommonErrorCode.Forbidden, 403, message);
    if (!principal) throw forbidden('Not allowed');
    if (scopes) {
      if (principal.kind !== 'service' || !scopes.every((s) => principal.scopes.includes(s))) {
        throw forbidden(`Requires scope ${scopes.join(' ')}`);
      }
      return true;
    }
    if (principal.kind !== 'user') throw forbidden('This endpoint is for signed-in users');
    if (permission && !grantOf(principal, permission)) {
      throw forbidden(
        rolesWith(permission).length === 0
          ? 'Requires a platform administrator'
          : 'Your role in this organisation does not allow this',
      );
    }
    return true;
  }
}
