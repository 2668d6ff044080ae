import { PageResponse, UpdateType } from '@ppt/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { Trim } from '@ppt/http';
import { ListQueryDto, sortOptions } from '@ppt/api-shared';

export class CreatePersonDto {
  @ApiProperty({ example: 'Jana' })
  @Trim()
  @IsString()
  @Length(1, 100)
  firstName!: string;

  @ApiProperty({ example: 'Nováková' })
  @Trim()
  @IsString()
  @Length(1, 100)
  lastName!: string;

  @ApiPropertyOptional({ example: 'jana@example.com' })
  @IsOptional()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: '+420 601 234 567' })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{6,40}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({ description: 'A user account of this organisation to link' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class UpdatePersonDto extends UpdateType(CreatePersonDto) {}

export const PERSON_SORTS = sortOptions(['lastName', 'createdAt']);

export class ListPeopleQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: PERSON_SORTS, default: 'lastName' })
  @IsOptional()
  @IsIn(PERSON_SORTS)
  sort = 'lastName';
}

export class PersonResponse {
  @ApiProperty({ example: '5b7d9f1a-2c4e-4d6f-8a0b-1c3e5a7b9d0f' }) id!: string;
  @ApiProperty({ example: 'Jana' }) firstName!: string;
  @ApiProperty({ example: 'Nováková' }) lastName!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'jana.novakova@example.com' })
  email!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '+420 601 234 567' }) phone!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '4e6a8c0e-2b4d-4f6a-9c8e-0a2c4e6a8c0e',
    description: 'The linked user account (set when the person accepts an invitation)',
  })
  userId!: string | null;
  @ApiProperty({ example: '2026-10-01T08:00:00.000Z' }) createdAt!: Date;
  @ApiProperty({ example: '2026-11-20T14:12:00.000Z' }) updatedAt!: Date;
}

export class PersonPageResponse extends PageResponse(PersonResponse) {}
