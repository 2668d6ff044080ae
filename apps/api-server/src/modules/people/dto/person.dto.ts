import { PageResponse } from '../../../common/page.dto';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { Trim } from '../../../common/transforms';
import { ListQueryDto, sortOptions } from '../../../common/list-query';

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

export class UpdatePersonDto extends PartialType(CreatePersonDto) {}

export const PERSON_SORTS = sortOptions(['lastName', 'createdAt']);

export class ListPeopleQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: PERSON_SORTS, default: 'lastName' })
  @IsOptional()
  @IsIn(PERSON_SORTS)
  sort = 'lastName';
}

export class PersonResponse {
  @ApiProperty() id!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) phone!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) userId!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class PersonPageResponse extends PageResponse(PersonResponse) {}
