import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SigningKeys, type PublicJwk } from '@ppt/auth';
import { Public } from '@ppt/observability';
import { EXAMPLE_JWK } from '@ppt/api-shared';

/** The public keys that verify our tokens (RFC 7517), at the root: /.well-known/jwks.json. */
@ApiTags('auth')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({
    description: 'JSON Web Key Set',
    schema: {
      type: 'object',
      properties: {
        keys: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              kty: { type: 'string', enum: ['RSA'] },
              n: { type: 'string', description: 'Modulus (base64url)' },
              e: { type: 'string', description: 'Exponent (base64url)' },
              kid: {
                type: 'string',
                description: 'RFC 7638 thumbprint; the `kid` of the tokens it verifies',
              },
              alg: { type: 'string', enum: ['RS256'] },
              use: { type: 'string', enum: ['sig'] },
            },
          },
        },
      },
      example: { keys: [EXAMPLE_JWK] },
    },
  })
  jwks(): { keys: PublicJwk[] } {
    return this.keys.jwks();
  }
}
