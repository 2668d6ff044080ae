import { ApiProperty } from '@nestjs/swagger';
import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';
import { PageResponse, Trim } from '@ppt/http';
import { IsEmail, IsIn, IsString, Length, MaxLength } from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_OPAQUE_TOKEN, EXAMPLE_TIME } from '@ppt/api-shared';

export const INVITATION_STATUSES = ['pending', 'expired', 'accepted', 'declined', 'revoked'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export class InviteMemberDto {
  @ApiProperty({ example: 'petr.dvorak@example.cz' })
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ enum: MEMBERSHIP_ROLES, example: 'technical_manager' })
  @IsIn(MEMBERSHIP_ROLES)
  role!: MembershipRole;
}

export class AcceptInvitationDto {
  @ApiProperty({ example: EXAMPLE_OPAQUE_TOKEN, description: 'The token from the invitation e-mail' })
  @IsString()
  @Length(20, 200)
  token!: string;
}

export class InviterResponse {
  @ApiProperty({ example: EXAMPLE_ID.user, nullable: true, type: String }) userId!: string | null;
  @ApiProperty({ example: 'Jana Nováková', nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ example: 'jana@example.com', nullable: true, type: String }) email!: string | null;
}

export class InvitationResponse {
  @ApiProperty({ example: EXAMPLE_ID.membership }) id!: string;
  @ApiProperty({ example: 'petr.dvorak@example.cz' }) email!: string;
  @ApiProperty({ enum: MEMBERSHIP_ROLES, example: 'technical_manager' }) role!: MembershipRole;
  @ApiProperty({ enum: INVITATION_STATUSES, example: 'pending' }) status!: InvitationStatus;
  @ApiProperty({ type: InviterResponse }) invitedBy!: InviterResponse;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) expiresAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
}

export class InvitationPageResponse extends PageResponse(InvitationResponse) {}

/** What the invitee sees: who asks them to join what. */
export class ReceivedInvitationResponse {
  @ApiProperty({ example: EXAMPLE_ID.membership }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.organization }) organizationId!: string;
  @ApiProperty({ example: 'SVJ Vinohradská 12' }) organizationName!: string;
  @ApiProperty({ enum: MEMBERSHIP_ROLES, example: 'technical_manager' }) role!: MembershipRole;
  @ApiProperty({ type: InviterResponse }) invitedBy!: InviterResponse;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) expiresAt!: Date;
}

export class AcceptedInvitationResponse {
  @ApiProperty({ example: EXAMPLE_ID.organization }) organizationId!: string;
  @ApiProperty({ example: 'SVJ Vinohradská 12' }) organizationName!: string;
  @ApiProperty({ example: EXAMPLE_ID.membership }) membershipId!: string;
  @ApiProperty({ enum: MEMBERSHIP_ROLES, example: 'technical_manager' }) role!: MembershipRole;
}
