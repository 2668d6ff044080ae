import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { PageResponse, UpdateType } from '@ppt/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Trim } from '@ppt/http';
import { ListQueryDto, sortOptions } from '@ppt/api-shared';

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

  @ApiPropertyOptional({ example: 'objednavky@instalaterstvi-novak.cz' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: '+420 603 123 456' })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{6,40}$/, { message: 'phone must be a phone number' })
  phone?: string;
}

export class UpdateVendorDto extends UpdateType(CreateVendorDto) {}

export const VENDOR_SORTS = sortOptions(['name', 'createdAt']);

export class ListVendorsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: VENDOR_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(VENDOR_SORTS)
  sort = 'name';
}

export class VendorResponse {
  @ApiProperty({ example: EXAMPLE_ID.vendor }) id!: string;
  @ApiProperty({ example: 'Instalatérství Novák s.r.o.' }) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'plumbing' }) trade!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'objednavky@instalaterstvi-novak.cz' })
  email!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '+420 603 123 456' }) phone!: string | null;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class VendorPageResponse extends PageResponse(VendorResponse) {}
