import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { principalOf } from '@ppt/auth';
import type { MembershipRole, TenantScope } from '@ppt/db';
import { AppError, CommonErrorCode, registerErrorCodes } from '@ppt/observability';
import type { Request } from 'express';

/** Codes thrown below without a feature table (listed for the OpenAPI document). */
registerErrorCodes({ NO_ORGANIZATION: 403 });

/** Who acts, in which organisation, with which role: the scope of every tenant request. */
export interface Tenant {
  organizationId: string;
  userId: string;
  role: MembershipRole;
}

/**
 * The organisation the caller's token acts in (POST /auth/switch-organization chooses it). A token
 * without one cannot reach organisation data: 403 NO_ORGANIZATION.
 */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): Tenant => {
  const principal = principalOf(ctx.switchToHttp().getRequest<Request>());
  if (principal?.kind !== 'user')
    throw new AppError(CommonErrorCode.Forbidden, 403, 'This endpoint is for signed-in users');
  if (!principal.organizationId || !principal.role) {
    throw new AppError(
      'NO_ORGANIZATION',
      403,
      'Choose an organisation first (POST /api/v1/auth/switch-organization)',
    );
  }
  return { organizationId: principal.organizationId, userId: principal.userId, role: principal.role };
});

/** The row-level-security scope of a tenant request, for TenantTransactions.run. */
export function scopeOf(t: Tenant): TenantScope {
  return { organizationId: t.organizationId, userId: t.userId };
}
