import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RESIDENT_ROLES, type ResidentRole } from '@ppt/api-db';
import { IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Trim } from '@ppt/http';

export class InvitePersonDto {
  @ApiProperty({ enum: RESIDENT_ROLES, example: 'tenant', description: 'The role the account gets' })
  @IsIn(RESIDENT_ROLES)
  role!: ResidentRole;

  @ApiPropertyOptional({
    example: 'jana.novakova@example.com',
    description: "Where to send the invitation; defaults to the person's e-mail",
  })
  @IsOptional()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email?: string;
}

export class AcceptPersonInvitationDto {
  @ApiProperty({
    example: 'q8Xv1mQ2c9Zr3Lk5Tn7Wb0Yd4Hf6Js8Ag2Ep1Cu3Ro5',
    description: 'The token from the e-mail',
  })
  @IsString()
  @Length(20, 200)
  token!: string;
}

export class PersonInvitationResponse {
  @ApiProperty({ example: '0f2d4b6a-8c1e-4a3f-9b5d-7e9a1c3e5f70' }) id!: string;
  @ApiProperty({ example: '5b7d9f1a-2c4e-4d6f-8a0b-1c3e5a7b9d0f' }) personId!: string;
  @ApiProperty({ example: 'jana.novakova@example.com' }) email!: string;
  @ApiProperty({ enum: RESIDENT_ROLES, example: 'tenant' }) role!: ResidentRole;
  @ApiProperty({ example: '2026-11-29T09:30:00.000Z' }) expiresAt!: Date;
  @ApiProperty({ example: '2026-11-22T09:30:00.000Z' }) createdAt!: Date;
}

export class AcceptedPersonInvitationResponse {
  @ApiProperty({ example: '1a3c5e7f-9b2d-4f6a-8c0e-2a4c6e8f0b1d' }) organizationId!: string;
  @ApiProperty({ example: 'Správa domů Vinohrady s.r.o.' }) organizationName!: string;
  @ApiProperty({ example: '5b7d9f1a-2c4e-4d6f-8a0b-1c3e5a7b9d0f' }) personId!: string;
  @ApiProperty({
    example: 'tenant',
    description: 'Your role in the organisation (an existing membership keeps its role)',
  })
  role!: string;
}
