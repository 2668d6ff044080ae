import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable, PageQueryDto, PageResponse, Trim } from '@ppt/http';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

export const TRANSACTIONS = ['sale', 'rent'] as const;
export const PROPERTY_TYPES = ['apartment', 'house', 'commercial', 'land', 'parking', 'other'] as const;
export const SEARCH_SORTS = ['relevance', 'price', '-price', 'date', '-date', 'distance'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

const toNumber = () => Type(() => Number);

/**
 * The public search: every filter optional, combinable. A radius needs lat+lng; a bounding box is
 * `minLng,minLat,maxLng,maxLat`. Saved searches store exactly these fields.
 */
export class SearchListingsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TRANSACTIONS, example: 'rent' })
  @IsOmittable()
  @IsIn(TRANSACTIONS)
  transaction?: (typeof TRANSACTIONS)[number];

  @ApiPropertyOptional({ enum: PROPERTY_TYPES, example: 'apartment' })
  @IsOmittable()
  @IsIn(PROPERTY_TYPES)
  propertyType?: (typeof PROPERTY_TYPES)[number];

  @ApiPropertyOptional({ example: 1500000, description: 'Minor units' })
  @IsOmittable()
  @toNumber()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  priceMin?: number;

  @ApiPropertyOptional({ example: 3000000, description: 'Minor units' })
  @IsOmittable()
  @toNumber()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  priceMax?: number;

  @ApiPropertyOptional({ example: 40 })
  @IsOmittable()
  @toNumber()
  @IsNumber()
  @Min(0)
  areaMin?: number;

  @ApiPropertyOptional({ example: 90 })
  @IsOmittable()
  @toNumber()
  @IsNumber()
  @Min(0)
  areaMax?: number;

  @ApiPropertyOptional({ example: 2, description: 'At least this many rooms' })
  @IsOmittable()
  @toNumber()
  @IsInt()
  @Min(0)
  @Max(100)
  roomsMin?: number;

  @ApiPropertyOptional({ example: 'Praha' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(1, 120)
  city?: string;

  @ApiPropertyOptional({ example: 'Jihomoravský kraj' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(1, 120)
  region?: string;

  @ApiPropertyOptional({ example: 50.0755, description: 'Centre of a radius search (with lng and radiusKm)' })
  @IsOmittable()
  @toNumber()
  @IsLatitude()
  lat?: number;

  @ApiPropertyOptional({ example: 14.4378 })
  @IsOmittable()
  @toNumber()
  @IsLongitude()
  lng?: number;

  @ApiPropertyOptional({ example: 5, minimum: 0.1, maximum: 500 })
  @IsOmittable()
  @toNumber()
  @IsNumber()
  @Min(0.1)
  @Max(500)
  radiusKm?: number;

  @ApiPropertyOptional({ example: '14.30,50.00,14.60,50.15', description: 'minLng,minLat,maxLng,maxLat' })
  @IsOmittable()
  @Matches(/^-?\d{1,3}(\.\d+)?(,-?\d{1,3}(\.\d+)?){3}$/, {
    message: 'bbox must be minLng,minLat,maxLng,maxLat',
  })
  bbox?: string;

  @ApiPropertyOptional({ example: 'balkon vinohrady', description: 'Full-text search, accents optional' })
  @IsOmittable()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({
    enum: SEARCH_SORTS,
    description: 'Default: relevance with q, distance with a radius, otherwise newest first (-date)',
  })
  @IsOmittable()
  @IsIn(SEARCH_SORTS)
  sort?: SearchSort;

  @ApiPropertyOptional({
    description:
      "Continue behind the previous page: its `nextCursor` (sorts date, -date, price, -price; instead of offset, " +
      'which re-reads every skipped row)',
  })
  @IsOmittable()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,300}$/, { message: 'after must be a cursor from nextCursor' })
  after?: string;
}

export class PortalListingResponse {
  @ApiProperty({ example: '5d7f9b1c-3e5a-4c7e-9a1b-3c5e7a9b1d2f' }) id!: string;
  @ApiProperty({ enum: ['published', 'reserved'], example: 'published' }) status!: string;
  @ApiProperty({ enum: TRANSACTIONS, example: 'rent' }) transaction!: string;
  @ApiProperty({ enum: PROPERTY_TYPES, example: 'apartment' }) propertyType!: string;
  @ApiProperty({ example: 'Sunny 2+kk with a balcony in Vinohrady' }) title!: string;
  @ApiProperty({ example: 'Renovated flat on the 3rd floor, 5 minutes from Náměstí Míru.' })
  description!: string;
  @ApiProperty({ example: 2450000, description: 'Minor units; per month for rentals' }) priceAmount!: number;
  @ApiProperty({ example: 'CZK' }) currency!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 54.5 }) areaM2!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 2 }) rooms!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 3 }) floor!: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'C' }) energyClass!: string | null;
  @ApiProperty({ type: [String], example: ['balcony', 'elevator'] }) features!: string[];
  @ApiProperty({ example: 'Slezská 1234/12' }) addressLine!: string;
  @ApiProperty({ example: 'Praha' }) city!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Hlavní město Praha' }) region!:
    string | null;
  @ApiProperty({ example: '120 00' }) postalCode!: string;
  @ApiProperty({ example: 'CZ' }) country!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 50.0755 }) latitude!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 14.4378 }) longitude!: number | null;
  @ApiProperty({
    type: [String],
    example: ['7e9a1c3e-5b7d-4f9b-a1c3-7e9b1d3f5a7c'],
    description: 'Photo ids in display order',
  })
  photoDocumentIds!: string[];
  @ApiProperty({
    type: [String],
    example: ['http://localhost:3000/api/v1/public/listing-photos/7e9a1c3e-5b7d-4f9b-a1c3-7e9b1d3f5a7c'],
    description: 'Photo links in display order (each redirects to the image)',
  })
  photoUrls!: string[];
  @ApiPropertyOptional({ type: Date, nullable: true, example: '2026-11-21T14:05:12.000Z' })
  publishedAt!: Date | null;
  @ApiPropertyOptional({ type: Number, example: 1.8, description: 'Only with a radius search' })
  distanceKm?: number;
}

export class PortalListingPageResponse extends PageResponse(PortalListingResponse) {
  @ApiProperty({
    example: true,
    description: 'False when `total` is an estimate (more than 1000 matches are not counted one by one)',
  })
  totalExact!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `after` for the next page (keyset sorts only; null on the last page)',
  })
  nextCursor!: string | null;
}
