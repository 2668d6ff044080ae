import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseFilters,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentUser, Permission, RequirePermission, Scopes, type UserPrincipal } from '@ppt/auth';
import { API_PREFIX, ApiRateLimited } from '@ppt/http';
import { Public } from '@ppt/observability';
import { IdentityEnv } from '@ppt/api-identity-core';
import { NoStore } from '@ppt/api-shared';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { IntrospectDto } from '@ppt/api-identity-core';
import { IntrospectionResponse } from '@ppt/api-identity-core';
import {
  AuthorizationServerMetadata,
  OAuthErrorResponse,
  OAuthRevokeDto,
  OAuthTokenDto,
  OAuthTokenResponse,
} from '@ppt/api-identity-core';
import { OAuthError, OAuthErrorFilter } from '@ppt/api-identity-core';
import { INTROSPECT_SCOPE, OAuthService, type ClientCredentials, type TokenTypeHint } from '@ppt/api-identity-core';

const SCOPE = /^[\w:.-]+( [\w:.-]+)*$/;

/**
 * The token and revocation endpoints check their bodies themselves (no DTO validation), so that
 * every refusal there has RFC 6749 §5.2's shape (OAuthErrorFilter) instead of the error envelope.
 */
/**
 * RFC 6749 §5.2 refusals in their own shape; a body the parser cannot read (malformed JSON) is refused
 * before the endpoint runs, with the error envelope.
 */
const ApiOAuthRefusals = () =>
  applyDecorators(
    ApiExtraModels(OAuthErrorResponse),
    ApiBadRequestResponse({
      description:
        'invalid_request, unsupported_grant_type, invalid_scope (or an unreadable body: the error envelope)',
      schema: {
        oneOf: [{ $ref: getSchemaPath(OAuthErrorResponse) }, { $ref: '#/components/schemas/Error400' }],
      },
    }),
    ApiUnauthorizedResponse({
      description: 'invalid_client (with a Basic challenge when HTTP Basic was used)',
      type: OAuthErrorResponse,
    }),
  );

@ApiTags('oauth')
@Controller()
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  /** Client credentials: the client id and secret in HTTP Basic auth or in the body (not both). */
  @Public()
  @Post('oauth/token')
  @ApiSecurity('oauthClient')
  @ApiRateLimited()
  @HttpCode(200)
  @NoStore()
  @UseFilters(OAuthErrorFilter)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: OAuthTokenDto })
  @ApiOAuthRefusals()
  @ApiOkResponse({ type: OAuthTokenResponse })
  token(
    @Body() body: unknown,
    @Meta() meta: RequestMeta,
    @Headers('authorization') authorization?: string,
  ): Promise<OAuthTokenResponse> {
    const params = paramsOf(body);
    const grantType = stringParam(params, 'grant_type', 100);
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials')
      throw new OAuthError('unsupported_grant_type', 'Only client_credentials is supported');
    const credentials = clientCredentials(params, authorization);
    const scope = stringParam(params, 'scope', 1000);
    if (scope !== undefined && !SCOPE.test(scope))
      throw new OAuthError('invalid_scope', 'scope must be space-separated scope names');
    return this.oauth.clientCredentials(credentials, scope, meta.ip);
  }

  /** RFC 7009: 200 whether or not the token was known. */
  @Public()
  @Post('oauth/revoke')
  @ApiSecurity('oauthClient')
  @ApiRateLimited()
  @HttpCode(200)
  @NoStore()
  @UseFilters(OAuthErrorFilter)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: OAuthRevokeDto })
  @ApiOAuthRefusals()
  @ApiOkResponse({
    description: 'Revoked, or not a token of this client (the answer is the same; its body is empty JSON)',
    schema: { type: 'object', example: {} },
  })
  async revoke(
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Meta() meta: RequestMeta,
  ): Promise<Record<string, never>> {
    const params = paramsOf(body);
    const token = stringParam(params, 'token', 4096);
    if (!token) throw new OAuthError('invalid_request', 'token is required');
    const hint = stringParam(params, 'token_type_hint', 50);
    const credentials = clientCredentials(params, authorization);
    await this.oauth.revoke(credentials, token, isHint(hint) ? hint : undefined, meta);
    return {};
  }

  /** RFC 7662 introspection for services (reality-server SSO); needs a service token with sso:introspect. */
  @ApiBearerAuth()
  @Scopes(INTROSPECT_SCOPE)
  @Post('auth/introspect')
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({ type: IntrospectionResponse })
  introspect(@Body() dto: IntrospectDto): Promise<IntrospectionResponse> {
    return this.oauth.introspect(dto.token);
  }

  /** Its tokens are refused at once, on every api-server process; it can no longer obtain new ones. */
  @ApiBearerAuth()
  @RequirePermission(Permission.PlatformOperate)
  @Post('platform/oauth-clients/:clientId/disable')
  @HttpCode(204)
  @ApiNoContentResponse()
  async disableClient(
    @CurrentUser() admin: UserPrincipal,
    @Param('clientId') clientId: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    if (!(await this.oauth.disableClient(admin, clientId, meta)))
      throw new NotFoundException('OAuth client not found');
  }
}

/** RFC 8414 metadata, at the root: /.well-known/oauth-authorization-server. */
@ApiTags('oauth')
@Public()
@Controller('.well-known')
export class AuthorizationServerMetadataController {
  constructor(@Inject(IdentityEnv) private readonly env: IdentityEnv) {}

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ type: AuthorizationServerMetadata })
  metadata(): AuthorizationServerMetadata {
    const issuer = this.env.AUTH_ISSUER.replace(/\/+$/, '');
    const api = `${issuer}/${API_PREFIX}`;
    return {
      issuer: this.env.AUTH_ISSUER,
      token_endpoint: `${api}/oauth/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${api}/oauth/revoke`,
      introspection_endpoint: `${api}/auth/introspect`,
      grant_types_supported: ['client_credentials'],
      // No authorization endpoint: users sign in through /auth/login, services with client credentials.
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      service_documentation: `${issuer}/api/docs`,
    };
  }
}

function paramsOf(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new OAuthError('invalid_request', 'The body must be form-encoded or a JSON object');
  return body as Record<string, unknown>;
}

function stringParam(params: Record<string, unknown>, name: string, maxLength: number): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > maxLength)
    throw new OAuthError('invalid_request', `${name} must be one string of at most ${maxLength} characters`);
  return value;
}

function isHint(value: string | undefined): value is TokenTypeHint {
  return value === 'access_token' || value === 'refresh_token';
}

/** RFC 6749 §2.3.1: HTTP Basic or the body; a client must not use both. */
function clientCredentials(params: Record<string, unknown>, authorization?: string): ClientCredentials {
  const clientId = stringParam(params, 'client_id', 100);
  const secret = stringParam(params, 'client_secret', 200);
  if (!authorization) return { clientId, secret, basicUsed: false };
  if (clientId !== undefined || secret !== undefined)
    throw new OAuthError('invalid_request', 'Use one way of client authentication, not both');
  const basic = parseBasic(authorization);
  if (!basic) throw new OAuthError('invalid_client', 'Client authentication failed', true);
  return { clientId: basic.id, secret: basic.secret, basicUsed: true };
}

function parseBasic(header: string): { id: string; secret: string } | null {
  if (!header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return null; // not URL-encoded as RFC 6749 §2.3.1 asks: no credentials, so invalid_client
  }
}
