import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { IsOmittable } from '@ppt/http';
import { EXAMPLE_ACCESS_TOKEN } from '../../../common/examples';

/** RFC 6749 §4.4 client credentials request (JSON or application/x-www-form-urlencoded). */
export class OAuthTokenDto {
  @ApiProperty({ enum: ['client_credentials'], example: 'client_credentials' })
  @IsString()
  @IsIn(['client_credentials'], { message: 'grant_type must be client_credentials' })
  grant_type!: string;

  @ApiPropertyOptional({ description: 'Or HTTP Basic authentication', example: 'reality-portal' })
  @IsOmittable()
  @IsString()
  @MaxLength(100)
  client_id?: string;

  @ApiPropertyOptional({
    description: 'Or HTTP Basic authentication',
    example: 'Hq3vN8xK2mT7pR4sW9yB6cF1dG5jL0zA8eU3iO7aQ2w',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(200)
  client_secret?: string;

  @ApiPropertyOptional({
    description: "Space-separated subset of the client's scopes",
    example: 'sso:introspect',
  })
  @IsOmittable()
  @IsString()
  @Matches(/^[\w:.-]+( [\w:.-]+)*$/, { message: 'scope must be space-separated scope names' })
  scope?: string;
}

export class OAuthTokenResponse {
  @ApiProperty({ example: EXAMPLE_ACCESS_TOKEN }) access_token!: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' }) token_type!: 'Bearer';
  @ApiProperty({ example: 900 }) expires_in!: number;
  @ApiProperty({ example: 'sso:introspect' }) scope!: string;
}
