import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { AppError, CommonErrorCode } from '@ppt/observability';
import type { Request } from 'express';
import { PERMISSION_KEY, SCOPES_KEY } from './auth.tokens';
import type { Permission } from './permissions';
import type { Principal, ServicePrincipal, UserPrincipal } from './principal';

/**
 * Only signed-in users whose roles hold this permission (any grant: `own` grants are narrowed by the
 * feature's rules with `can()`). Which roles hold which permission: ROLE_PERMISSIONS.
 */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** Only service tokens holding every one of these scopes. */
export const Scopes = (...scopes: string[]) => SetMetadata(SCOPES_KEY, scopes);

export function principalOf(req: Request): Principal | undefined {
  return req.user as Principal | undefined;
}

/** The authenticated principal (user or service). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (!principal) throw new AppError(CommonErrorCode.Unauthorized, 401, 'Authentication required');
  return principal;
});

/** The signed-in user; a service token here is refused with 403. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): UserPrincipal => {
  const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (!principal) throw new AppError(CommonErrorCode.Unauthorized, 401, 'Authentication required');
  if (principal.kind !== 'user')
    throw new AppError(CommonErrorCode.Forbidden, 403, 'This endpoint is for signed-in users');
  return principal;
});

/** The calling service. */
export const CurrentService = createParamDecorator((_: unknown, ctx: ExecutionContext): ServicePrincipal => {
  const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (principal?.kind !== 'service')
    throw new AppError(CommonErrorCode.Forbidden, 403, 'This endpoint is for services');
  return principal;
});
