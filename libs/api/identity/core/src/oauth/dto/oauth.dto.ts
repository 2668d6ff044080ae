import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXAMPLE_ACCESS_TOKEN } from '@ppt/api-shared';

/**
 * RFC 6749 §4.4 client credentials request (JSON or application/x-www-form-urlencoded). Documents the
 * body only: the controller checks it itself, so that a bad request gets RFC 6749 §5.2's answer.
 */
export class OAuthTokenDto {
  @ApiProperty({ enum: ['client_credentials'], example: 'client_credentials' })
  grant_type!: string;

  @ApiPropertyOptional({ description: 'Or HTTP Basic authentication', example: 'reality-portal' })
  client_id?: string;

  @ApiPropertyOptional({
    description: 'Or HTTP Basic authentication',
    example: 'Hq3vN8xK2mT7pR4sW9yB6cF1dG5jL0zA8eU3iO7aQ2w',
  })
  client_secret?: string;

  @ApiPropertyOptional({
    description: "Space-separated subset of the client's scopes",
    example: 'sso:introspect',
  })
  scope?: string;
}

/** RFC 7009 revocation request; the client authenticates as on the token endpoint. */
export class OAuthRevokeDto {
  @ApiProperty({ example: EXAMPLE_ACCESS_TOKEN, description: 'A refresh token or an access token' })
  token!: string;

  @ApiPropertyOptional({ enum: ['refresh_token', 'access_token'] })
  token_type_hint?: string;

  @ApiPropertyOptional({
    description:
      'The platform\'s own apps revoke users\' tokens as the public client "ppt-app" (no secret); ' +
      'service clients authenticate with HTTP Basic or client_id + client_secret',
    example: 'ppt-app',
  })
  client_id?: string;

  @ApiPropertyOptional({ description: 'Or HTTP Basic authentication' })
  client_secret?: string;
}

export class OAuthTokenResponse {
  @ApiProperty({ example: EXAMPLE_ACCESS_TOKEN }) access_token!: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' }) token_type!: 'Bearer';
  @ApiProperty({ example: 900 }) expires_in!: number;
  @ApiProperty({ example: 'sso:introspect' }) scope!: string;
}

/** RFC 8414 authorization server metadata. */
export class AuthorizationServerMetadata {
  @ApiProperty({ example: 'http://localhost:3000' }) issuer!: string;
  @ApiProperty({ example: 'http://localhost:3000/api/v1/oauth/token' }) token_endpoint!: string;
  @ApiProperty({ example: 'http://localhost:3000/.well-known/jwks.json' }) jwks_uri!: string;
  @ApiProperty({ example: 'http://localhost:3000/api/v1/oauth/revoke' }) revocation_endpoint!: string;
  @ApiProperty({ example: 'http://localhost:3000/api/v1/auth/introspect' }) introspection_endpoint!: string;
  @ApiProperty({ type: [String], example: ['client_credentials'] }) grant_types_supported!: string[];
  @ApiProperty({ type: [String], example: [] }) response_types_supported!: string[];
  @ApiProperty({ type: [String], example: ['client_secret_basic', 'client_secret_post'] })
  token_endpoint_auth_methods_supported!: string[];
  @ApiProperty({ type: [String], example: ['client_secret_basic', 'client_secret_post', 'none'] })
  revocation_endpoint_auth_methods_supported!: string[];
  @ApiProperty({ example: 'http://localhost:3000/api/docs' }) service_documentation!: string;
}

/** RFC 6749 §5.2: the refusal body of the token and revocation endpoints. */
export class OAuthErrorResponse {
  @ApiProperty({
    enum: [
      'invalid_request',
      'invalid_client',
      'unsupported_grant_type',
      'invalid_scope',
      'unsupported_token_type',
    ],
    example: 'invalid_client',
  })
  error!: string;
  @ApiProperty({ example: 'Client authentication failed' }) error_description!: string;
}
