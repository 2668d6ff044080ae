import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, IsUUID, Length, MaxLength, MinLength } from 'class-validator';
import { EXAMPLE_ACCESS_TOKEN, EXAMPLE_ID, EXAMPLE_OPAQUE_TOKEN } from '@ppt/api-shared';
import { IsOmittable, Trim } from '@ppt/http';

/** 12–128 characters: length is what makes a password strong; no composition rules (NIST 800-63B). */
const PASSWORD = { min: 12, max: 128 };

/** A password being set (register, change, reset). */
function NewPassword(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ minLength: PASSWORD.min, maxLength: PASSWORD.max, example: 'tramvaj-na-Palmovce-22' }),
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
  @ApiProperty({ example: 'jana@example.com' })
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'tramvaj-na-Palmovce-22' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD.max)
  password!: string;

  @ApiPropertyOptional({
    description: 'Organisation to act in; defaults to the first membership',
    example: EXAMPLE_ID.organization,
  })
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class RefreshDto {
  @ApiProperty({ example: EXAMPLE_OPAQUE_TOKEN })
  @IsString()
  @Length(20, 200)
  refreshToken!: string;
}

export class SwitchOrganizationDto {
  @ApiProperty({ example: EXAMPLE_ID.organization })
  @IsUUID()
  organizationId!: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'jana@example.com' })
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;
}

export class ResetPasswordDto {
  @ApiProperty({ example: EXAMPLE_OPAQUE_TOKEN })
  @IsString()
  @Length(20, 200)
  token!: string;

  @NewPassword()
  newPassword!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ example: 'stare-heslo-z-Karlina-19' })
  @IsString()
  @MaxLength(PASSWORD.max)
  currentPassword!: string;

  @NewPassword()
  newPassword!: string;
}

export class VerifyEmailDto {
  @ApiProperty({ example: EXAMPLE_OPAQUE_TOKEN })
  @IsString()
  @Length(20, 200)
  token!: string;
}

export class IntrospectDto {
  @ApiProperty({ example: EXAMPLE_ACCESS_TOKEN })
  @IsString()
  @MaxLength(4096)
  token!: string;

  /** RFC 7662 §2.1: a hint only; an unknown value is ignored, and every kind of token is looked at. */
  @ApiPropertyOptional({ example: 'access_token', description: 'access_token or refresh_token' })
  @IsOmittable()
  @IsString()
  @MaxLength(50)
  token_type_hint?: string;
}
