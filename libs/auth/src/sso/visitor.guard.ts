import {
  applyDecorators,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { OPENAPI_OPTIONAL_SIGN_IN } from '@ppt/http';
import { IS_PUBLIC } from '@ppt/observability';
import type { Request } from 'express';
import { SsoAuthenticator } from './sso-authenticator';
import { unauthorized } from './sso.errors';
import { attachVisitor } from './visitor';

export const OPTIONAL_SIGN_IN = 'sso:optionalSignIn';

/**
 * Anonymous and signed-in callers alike (e.g. inquiries). A token, when sent, must be valid: a
 * signed-in visitor whose token is rejected gets 401 (and can refresh) rather than silently
 * becoming anonymous. The OpenAPI extension tells the document's post-processor (libs/http) that the
 * operation's security is "the bearer, or none".
 */
export const OptionalSignIn = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(OPTIONAL_SIGN_IN, true), ApiExtension(OPENAPI_OPTIONAL_SIGN_IN, true));

/**
 * Global on the portal, deny by default like api-server (CONVENTIONS §4): every route needs a
 * signed-in visitor unless it says @Public() (anonymous; a token is ignored) or @OptionalSignIn().
 */
@Injectable()
export class VisitorGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: SsoAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const optional = this.reflector.getAllAndOverride<boolean>(OPTIONAL_SIGN_IN, targets) === true;

    const req = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(req);
    if (!token) {
      if (optional) return true;
      throw unauthorized('Authentication required');
    }
    attachVisitor(req, await this.authenticator.authenticate(token));
    return true;
  }
}

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer +([^\s]+) *$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
