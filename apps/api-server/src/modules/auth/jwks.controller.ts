import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SigningKeys, type PublicJwk } from '@ppt/auth';
import { Public } from '@ppt/observability';

/** The public keys that verify our tokens (RFC 7517), at the root: /.well-known/jwks.json. */
@ApiTags('auth')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JSON Web Key Set' })
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwks();
  }
}
