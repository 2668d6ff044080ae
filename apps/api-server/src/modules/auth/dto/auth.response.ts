import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';

export class TokenPairResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds' }) expiresIn!: number;
}

export class AccessTokenResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty() expiresIn!: number;
}

export class MembershipSummary {
  @ApiProperty() organizationId!: string;
  @ApiProperty() organizationName!: string;
  @ApiProperty({ enum: MEMBERSHIP_ROLES }) role!: MembershipRole;
}

export class MeResponse {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty() platformAdmin!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) organizationId!: string | null;
  @ApiPropertyOptional({ nullable: true, enum: MEMBERSHIP_ROLES }) role!: MembershipRole | null;
  @ApiProperty() sessionId!: string;
  @ApiProperty({ type: [MembershipSummary] }) memberships!: MembershipSummary[];
}

export class SessionResponse {
  @ApiProperty() id!: string;
  @ApiProperty() current!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) userAgent!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() lastUsedAt!: Date;
  @ApiProperty() expiresAt!: Date;
}

export class RegisterResponse {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() emailVerified!: boolean;
}

/** RFC 7662 token introspection response. */
export class IntrospectionResponse {
  @ApiProperty() active!: boolean;
  @ApiPropertyOptional() sub?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) org?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) role?: string | null;
  @ApiPropertyOptional() sid?: string;
  @ApiPropertyOptional() exp?: number;
  @ApiPropertyOptional() iat?: number;
  @ApiPropertyOptional() scope?: string;
  @ApiPropertyOptional() client_id?: string;
  @ApiPropertyOptional() token_type?: string;
  @ApiPropertyOptional() iss?: string;
  @ApiPropertyOptional() aud?: string;
}
