import { PageResponse } from '../../../common/page.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MEMBERSHIP_ROLES, type MembershipRole } from '@ppt/db';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Trim } from '../../../common/transforms';

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
  @IsOptional()
  @Matches(/^[a-z0-9](?:[a-z0-9-]{1,98}[a-z0-9])$/, {
    message: 'slug must be 3-100 lower-case letters, digits or dashes',
  })
  slug?: string;
}

export class UpdateOrganizationDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @Length(2, 200)
  name?: string;
}

export class AddMemberDto {
  @ApiProperty()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ enum: MEMBERSHIP_ROLES })
  @IsIn(MEMBERSHIP_ROLES)
  role!: MembershipRole;

  @ApiPropertyOptional({ description: 'Display name for a person who has no account yet' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  displayName?: string;
}

export class UpdateMemberDto {
  @ApiProperty({ enum: MEMBERSHIP_ROLES })
  @IsIn(MEMBERSHIP_ROLES)
  role!: MembershipRole;
}

export class OrganizationResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() slug!: string;
  @ApiProperty({ enum: MEMBERSHIP_ROLES, description: "The caller's role" }) role!: MembershipRole;
  @ApiProperty() createdAt!: Date;
}

export class MemberResponse {
  @ApiProperty() id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: MEMBERSHIP_ROLES }) role!: MembershipRole;
  @ApiProperty() createdAt!: Date;
}

export class MemberPageResponse extends PageResponse(MemberResponse) {}
