import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { unauthorized } from './sso.errors';
import { visitorOf, type VisitorPrincipal } from './visitor';

/**
 * The signed-in visitor. Throws 401 when there is none, so a route that forgot its guard setting
 * (@Public() by mistake) fails closed instead of acting for nobody.
 */
export const Visitor = createParamDecorator((_: unknown, ctx: ExecutionContext): VisitorPrincipal => {
  const visitor = visitorOf(ctx.switchToHttp().getRequest<Request>());
  if (!visitor) throw unauthorized('Authentication required');
  return visitor;
});

/** The visitor on an @OptionalSignIn() route: undefined for an anonymous caller. */
export const OptionalVisitor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): VisitorPrincipal | undefined =>
    visitorOf(ctx.switchToHttp().getRequest<Request>()),
);
