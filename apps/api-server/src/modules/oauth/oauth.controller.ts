import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Scopes } from '@ppt/auth';
import { Public } from '@ppt/observability';
import { Meta, type RequestMeta } from '../../common/request-meta';
import { IntrospectDto } from '../auth/dto/auth.dto';
import { IntrospectionResponse } from '../auth/dto/auth.response';
import { OAuthTokenDto, OAuthTokenResponse } from './dto/oauth.dto';
import { INTROSPECT_SCOPE, OAuthService } from './oauth.service';

@ApiTags('oauth')
@Controller()
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  /** Client credentials: the client id and secret in HTTP Basic auth or in the body. */
  @Public()
  @Post('oauth/token')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOkResponse({ type: OAuthTokenResponse })
  token(
    @Body() dto: OAuthTokenDto,
    @Meta() meta: RequestMeta,
    @Headers('authorization') authorization?: string,
  ): Promise<OAuthTokenResponse> {
    const basic = parseBasic(authorization);
    return this.oauth.clientCredentials(
      basic?.id ?? dto.client_id,
      basic?.secret ?? dto.client_secret,
      dto.scope,
      meta.ip,
    );
  }

  /** RFC 7662 introspection for services (reality-server SSO); needs a service token with sso:introspect. */
  @ApiBearerAuth()
  @Scopes(INTROSPECT_SCOPE)
  @Post('auth/introspect')
  @HttpCode(200)
  @ApiOkResponse({ type: IntrospectionResponse })
  introspect(@Body() dto: IntrospectDto): Promise<IntrospectionResponse> {
    return this.oauth.introspect(dto.token);
  }
}

function parseBasic(header: string | undefined): { id: string; secret: string } | null {
  if (!header?.startsWith('Basic ')) return null;
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
