import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import ipaddr from 'ipaddr.js';

/**
 * The one answer to "who is asking", for every rate limit and audit entry. Express computes `req.ip`
 * from the socket's peer and X-Forwarded-For under `trust proxy`, which createHttpApp sets from
 * TRUSTED_PROXIES only (proxy-addr: the right-most address not a trusted proxy), so the header counts
 * only when a trusted proxy added it. An IPv4-mapped IPv6 address is reported as its IPv4 address.
 */
export function clientIp(req: Request): string | null {
  const ip = req.ip;
  if (!ip || !ipaddr.isValid(ip)) return null;
  return ipaddr.process(ip).toString();
}

/** The requesting client's address (see clientIp), as a controller parameter. */
export const ClientIp = createParamDecorator((_: unknown, ctx: ExecutionContext): string | null =>
  clientIp(ctx.switchToHttp().getRequest<Request>()),
);
