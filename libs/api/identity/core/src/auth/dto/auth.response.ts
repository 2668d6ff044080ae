import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';
import {
  EXAMPLE_ACCESS_TOKEN,
  EXAMPLE_ID,
  EXAMPLE_OPAQUE_TOKEN,
  EXAMPLE_TIME,
} from '@ppt/api-shared';

export class TokenPairResponse {
  @ApiProperty({ example: EXAMPLE_ACCESS_TOKEN }) accessToken!: string;
  @ApiProperty({ example: EXAMPLE_OPAQUE_TOKEN }) refreshToken!: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 }) expiresIn!: number;
}

export class AccessTokenResponse {
  @ApiProperty({ example: EXAMPLE_ACCESS_TOKEN }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ example: 900 }) expiresIn!: number;
}

export class MembershipSummary {
  @ApiProperty({ example: EXAMPLE_ID.organization }) organizationId!: string;
  @ApiProperty({ example: 'SVJ Vinohradská 12' }) organizationName!: string;
  @ApiProperty({ enum: MEMBERSHIP_ROLES, example: 'manager' }) role!: MembershipRole;
}

export class MeResponse {
  @ApiProperty({ example: EXAMPLE_ID.user }) id!: string;
  @ApiProperty({ example: 'jana.novakova@example.cz' }) email!: string;
  @ApiProperty({ example: 'Jana Nováková' }) displayName!: string;
  @ApiProperty({ example: true }) emailVerified!: boolean;
  @ApiProperty({ example: false }) platformAdmin!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, example: EXAMPLE_ID.organization })
  organizationId!: string | null;
  @ApiPropertyOptional({ nullable: true, enum: MEMBERSHIP_ROLES, example: 'manager' })
  role!: MembershipRole | null;
  @ApiProperty({ example: EXAMPLE_ID.session }) sessionId!: string;
  @ApiProperty({ type: [MembershipSummary] }) memberships!: MembershipSummary[];
}

export class SessionResponse {
  @ApiProperty({ example: EXAMPLE_ID.session }) id!: string;
  @ApiProperty({ example: true }) current!: boolean;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  })
  userAgent!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '203.0.113.24' }) ip!: string | null;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) lastUsedAt!: Date;
  @ApiProperty({ example: '2026-12-21T09:30:00.000Z' }) expiresAt!: Date;
}

/** 202 of a request whose outcome is told by e-mail only (register, forgot password). */
export class AcceptedResponse {
  @ApiProperty({ enum: ['accepted'], example: 'accepted' }) status!: 'accepted';
}

/** RFC 7662 token introspection response. */
export class IntrospectionResponse {
  @ApiProperty({ example: true }) active!: boolean;
  @ApiPropertyOptional({ example: EXAMPLE_ID.user }) sub?: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: EXAMPLE_ID.organization })
  org?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'manager' }) role?: string | null;
  @ApiPropertyOptional({ example: EXAMPLE_ID.session }) sid?: string;
  @ApiPropertyOptional({ example: 1795254300 }) exp?: number;
  @ApiPropertyOptional({ example: 1795253400 }) iat?: number;
  @ApiPropertyOptional({ example: '' }) scope?: string;
  @ApiPropertyOptional({ example: 'reality-portal' }) client_id?: string;
  @ApiPropertyOptional({ example: 'Bearer' }) token_type?: string;
  @ApiPropertyOptional({ example: 'https://api.example.cz' }) iss?: string;
  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['ppt', 'ppt-portal'],
  })
  aud?: string | string[];
}
