import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { IsOmittable, PageResponse } from '@ppt/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { Trim } from '@ppt/http';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'SVJ Vinohradská 12' })
  @Trim()
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiPropertyOptional({
    example: 'svj-vinohradska-12',
    description: 'Lower-case letters, digits and dashes; derived from the name when omitted',
  })
  @IsOmittable()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{1,98}[a-z0-9])$/, {
    message: 'slug must be 3-100 lower-case letters, digits or dashes',
  })
  slug?: string;
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional({ example: 'SVJ Vinohradská 12, Praha 2' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(2, 200)
  name?: string;
}

export class UpdateMemberDto {
  @ApiProperty({ enum: MEMBERSHIP_ROLES, example: 'manager' })
  @IsIn(MEMBERSHIP_ROLES)
  role!: MembershipRole;
}

export class OrganizationResponse {
  @ApiProperty({ example: EXAMPLE_ID.organization }) id!: string;
  @ApiProperty({ example: 'SVJ Vinohradská 12' }) name!: string;
  @ApiProperty({ example: 'svj-vinohradska-12' }) slug!: string;
  @ApiProperty({ enum: MEMBERSHIP_ROLES, description: "The caller's role", example: 'org_admin' })
  role!: MembershipRole;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
}

export class MemberResponse {
  @ApiProperty({ example: EXAMPLE_ID.membership }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.technician }) userId!: string;
  @ApiProperty({ example: 'petr.dvorak@example.cz' }) email!: string;
  @ApiProperty({ example: 'Petr Dvořák' }) displayName!: string;
  @ApiProperty({ enum: MEMBERSHIP_ROLES, example: 'technical_manager' }) role!: MembershipRole;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) createdAt!: Date;
}

export class MemberPageResponse extends PageResponse(MemberResponse) {}
