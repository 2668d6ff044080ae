import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { MembershipRole } from '@ppt/db';
import { AppError, CommonErrorCode } from '@ppt/observability';
import type { Request } from 'express';
import { PLATFORM_ADMIN_KEY, ROLES_KEY, SCOPES_KEY } from './auth.tokens';
import type { Principal, ServicePrincipal, UserPrincipal } from './principal';

/** Only users whose role in the current organisation is one of these (platform admins always pass). */
export const Roles = (...roles: MembershipRole[]) => SetMetadata(ROLES_KEY, roles);

/** Only service tokens holding every one of these scopes. */
export const Scopes = (...scopes: string[]) => SetMetadata(SCOPES_KEY, scopes);

/** Only platform administrators. */
export const PlatformAdminOnly = () => SetMetadata(PLATFORM_ADMIN_KEY, true);

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
