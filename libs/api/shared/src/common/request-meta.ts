import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { clientIp } from '@ppt/http';
import { requestIdOf } from '@ppt/observability';
import type { Request } from 'express';

/** Who asked, for the audit log and rate limits. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export function requestMetaOf(req: Request): RequestMeta {
  return {
    ip: clientIp(req),
    userAgent: req.headers['user-agent']?.slice(0, 500) ?? null,
    requestId: requestIdOf(req) ?? null,
  };
}

export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta =>
  requestMetaOf(ctx.switchToHttp().getRequest<Request>()),
);
