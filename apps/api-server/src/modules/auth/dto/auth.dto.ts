import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, IsUUID, Length, MaxLength, MinLength } from 'class-validator';
import { Trim } from '../../../common/transforms';

/** 12–128 characters: length is what makes a password strong; no composition rules (NIST 800-63B). */
const PASSWORD = { min: 12, max: 128 };

/** A password being set (register, change, reset, invitation). */
function NewPassword(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ minLength: PASSWORD.min, maxLength: PASSWORD.max }),
    IsString(),
    Length(PASSWORD.min, PASSWORD.max),
  );
}

export class RegisterDto {
  @ApiProperty({ example: 'jana@example.com' })
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @NewPassword()
  password!: string;

  @ApiProperty({ example: 'Jana Nováková' })
  @Trim()
  @IsString()
  @Length(1, 200)
  displayName!: string;
}

export class LoginDto {
  @ApiProperty()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD.max)
  password!: string;

  @ApiPropertyOptional({ description: 'Organisation to act in; defaults to the first membership' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  refreshToken!: string;
}

export class SwitchOrganizationDto {
  @ApiProperty()
  @IsUUID()
  organizationId!: string;
}

export class ForgotPasswordDto {
  @ApiProperty()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;
}

export class ResetPasswordDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  token!: string;

  @NewPassword()
  newPassword!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(PASSWORD.max)
  currentPassword!: string;

  @NewPassword()
  newPassword!: string;
}

export class VerifyEmailDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  token!: string;
}

export class AcceptInvitationDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  token!: string;

  @NewPassword()
  password!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  displayName?: string;
}

export class IntrospectDto {
  @ApiProperty()
  @IsString()
  @MaxLength(4096)
  token!: string;
}
