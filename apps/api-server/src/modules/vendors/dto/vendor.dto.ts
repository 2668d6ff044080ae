import { PageResponse } from '../../../common/page.dto';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Trim } from '../../../common/transforms';
import { ListQueryDto, sortOptions } from '../../../common/list-query';

export class CreateVendorDto {
  @ApiProperty({ example: 'Instalatérství Novák s.r.o.' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'plumbing' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  trade?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{6,40}$/, { message: 'phone must be a phone number' })
  phone?: string;
}

export class UpdateVendorDto extends PartialType(CreateVendorDto) {}

export const VENDOR_SORTS = sortOptions(['name', 'createdAt']);

export class ListVendorsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: VENDOR_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(VENDOR_SORTS)
  sort = 'name';
}

export class VendorResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) trade!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class VendorPageResponse extends PageResponse(VendorResponse) {}
