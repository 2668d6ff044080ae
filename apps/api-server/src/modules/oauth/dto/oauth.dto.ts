import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** RFC 6749 §4.4 client credentials request (JSON or application/x-www-form-urlencoded). */
export class OAuthTokenDto {
  @ApiProperty({ enum: ['client_credentials'] })
  @IsString()
  @IsIn(['client_credentials'], { message: 'grant_type must be client_credentials' })
  grant_type!: string;

  @ApiPropertyOptional({ description: 'Or HTTP Basic authentication' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  client_id?: string;

  @ApiPropertyOptional({ description: 'Or HTTP Basic authentication' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_secret?: string;

  @ApiPropertyOptional({ description: "Space-separated subset of the client's scopes" })
  @IsOptional()
  @IsString()
  @Matches(/^[\w:.-]+( [\w:.-]+)*$/, { message: 'scope must be space-separated scope names' })
  scope?: string;
}

export class OAuthTokenResponse {
  @ApiProperty() access_token!: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type!: 'Bearer';
  @ApiProperty() expires_in!: number;
  @ApiProperty() scope!: string;
}
