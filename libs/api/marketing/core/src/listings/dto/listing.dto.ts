import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  ENERGY_CLASSES,
  LISTING_STATUSES,
  LISTING_TRANSACTIONS,
  PROPERTY_TYPES,
  type EnergyClass,
  type ListingPortalOverrides,
  type ListingStatus,
  type ListingTransaction,
  type PropertyType,
} from '@ppt/api-db';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsISO4217CurrencyCode,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { EXAMPLE_ID, EXAMPLE_TIME } from '@ppt/api-shared';
import { IsPortalOverrides } from '../../syndication/dto/portal-overrides.validator';
import { ListQueryDto, sortOptions } from '@ppt/api-shared';
import { IsOmittable, PageResponse, UpdateType } from '@ppt/http';
import { Trim, TrimUpper } from '@ppt/http';

export class CreateListingDto {
  @ApiPropertyOptional({
    example: EXAMPLE_ID.unit,
    description: 'Make the listing from a unit: address, area, rooms and floor default to the unit’s',
  })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiProperty({ enum: LISTING_TRANSACTIONS, example: 'rent' })
  @IsIn(LISTING_TRANSACTIONS)
  transaction!: ListingTransaction;

  @ApiProperty({ enum: PROPERTY_TYPES, example: 'apartment' })
  @IsIn(PROPERTY_TYPES)
  propertyType!: PropertyType;

  @ApiProperty({ example: 'Sunny 2+kk with a balcony in Vinohrady' })
  @Trim()
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiPropertyOptional({ example: 'Renovated flat on the 3rd floor, 5 minutes from Náměstí Míru.' })
  @IsOmittable()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiProperty({ example: 2450000, description: 'Minor units; per month for rentals' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  priceAmount!: number;

  @ApiProperty({ example: 'CZK' })
  @TrimUpper()
  @IsISO4217CurrencyCode()
  currency!: string;

  @ApiPropertyOptional({ example: 54.5 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(99_999_999)
  areaM2?: number;

  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  rooms?: number;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsInt()
  @Min(-10)
  @Max(200)
  floor?: number;

  @ApiPropertyOptional({ enum: ENERGY_CLASSES, example: 'C' })
  @IsOptional()
  @IsIn(ENERGY_CLASSES)
  energyClass?: EnergyClass;

  @ApiPropertyOptional({ type: [String], example: ['balcony', 'elevator', 'cellar'] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/, { each: true, message: 'each feature must be a lower-case slug' })
  features?: string[];

  @ApiPropertyOptional({ example: 'Slezská 1234/12', description: 'Required unless made from a unit' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(1, 300)
  addressLine?: string;

  @ApiPropertyOptional({ example: 'Praha' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(1, 120)
  city?: string;

  @ApiPropertyOptional({ example: 'Hlavní město Praha' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 120)
  region?: string;

  @ApiPropertyOptional({ example: '120 00' })
  @IsOmittable()
  @Trim()
  @IsString()
  @Length(1, 20)
  postalCode?: string;

  @ApiPropertyOptional({ example: 'CZ' })
  @IsOmittable()
  @TrimUpper()
  @IsISO31661Alpha2()
  country?: string;

  @ApiPropertyOptional({ example: 50.0755 })
  @IsOptional()
  @IsLatitude()
  latitude?: number;

  @ApiPropertyOptional({ example: 14.4378 })
  @IsOptional()
  @IsLongitude()
  longitude?: number;

  @ApiPropertyOptional({
    type: [String],
    example: [EXAMPLE_ID.photo],
    description: 'Photo document ids, in display order',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  photoDocumentIds?: string[];

  @ApiPropertyOptional({
    example: EXAMPLE_ID.user,
    description: 'The realtor or manager who answers inquiries (default: you)',
  })
  @IsOmittable() // a listing always has someone who answers its inquiries
  @IsUUID()
  contactUserId?: string;

  @ApiPropertyOptional({
    example: { sreality: { buildingType: 'brick', buildingCondition: 'very_good', ownership: 'personal' } },
    description:
      'Fields the portals need that the listing does not model, per portal (also PUT /listings/:id/portals). sreality: buildingType, buildingCondition, ownership, localityAccuracy, estateAreaM2; openimmo: commission, energyCertificate {type, valueKwhPerM2Year, validUntil}',
  })
  @IsOmittable()
  @IsPortalOverrides()
  portalOverrides?: ListingPortalOverrides;
}

/** Everything but the unit can change while the listing is not sold or rented. */
export class UpdateListingDto extends UpdateType(OmitType(CreateListingDto, ['unitId'] as const)) {}

export class ChangeListingStatusDto {
  @ApiProperty({ enum: LISTING_STATUSES, example: 'published' })
  @IsIn(LISTING_STATUSES)
  status!: ListingStatus;

  @ApiPropertyOptional({ example: 'Reservation agreement signed on 20 Nov' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  note?: string;
}

export const LISTING_SORTS = sortOptions(['createdAt', 'updatedAt', 'priceAmount', 'title']);

export class ListListingsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: LISTING_SORTS, default: '-updatedAt' })
  @IsOmittable()
  @IsIn(LISTING_SORTS)
  sort = '-updatedAt';

  @ApiPropertyOptional({ enum: LISTING_STATUSES })
  @IsOmittable()
  @IsIn(LISTING_STATUSES)
  status?: ListingStatus;

  @ApiPropertyOptional({ enum: LISTING_TRANSACTIONS })
  @IsOmittable()
  @IsIn(LISTING_TRANSACTIONS)
  transaction?: ListingTransaction;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ description: 'Listings this user is the contact of' })
  @IsOptional()
  @IsUUID()
  contactUserId?: string;
}

export class ListingResponse {
  @ApiProperty({ example: EXAMPLE_ID.listing }) id!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.unit }) unitId!: string | null;
  @ApiProperty({ enum: LISTING_TRANSACTIONS, example: 'rent' }) transaction!: ListingTransaction;
  @ApiProperty({ enum: PROPERTY_TYPES, example: 'apartment' }) propertyType!: PropertyType;
  @ApiProperty({ example: 'Sunny 2+kk with a balcony in Vinohrady' }) title!: string;
  @ApiProperty({ example: 'Renovated flat on the 3rd floor, 5 minutes from Náměstí Míru.' })
  description!: string;
  @ApiProperty({ example: 2450000 }) priceAmount!: number;
  @ApiProperty({ example: 'CZK' }) currency!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 54.5 }) areaM2!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 2 }) rooms!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 3 }) floor!: number | null;
  @ApiPropertyOptional({ enum: ENERGY_CLASSES, nullable: true, example: 'C' })
  energyClass!: EnergyClass | null;
  @ApiProperty({ type: [String], example: ['balcony', 'elevator'] }) features!: string[];
  @ApiProperty({ example: 'Slezská 1234/12' }) addressLine!: string;
  @ApiProperty({ example: 'Praha' }) city!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Hlavní město Praha' }) region!:
    string | null;
  @ApiProperty({ example: '120 00' }) postalCode!: string;
  @ApiProperty({ example: 'CZ' }) country!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 50.0755 }) latitude!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 14.4378 }) longitude!: number | null;
  @ApiProperty({ type: [String], example: [EXAMPLE_ID.photo] }) photoDocumentIds!: string[];
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user }) contactUserId!:
    string | null;
  @ApiProperty({ enum: LISTING_STATUSES, example: 'published' }) status!: ListingStatus;
  @ApiPropertyOptional({ type: Date, nullable: true, example: EXAMPLE_TIME.updated })
  publishedAt!: Date | null;
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ example: EXAMPLE_TIME.created }) createdAt!: Date;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) updatedAt!: Date;
}

export class ListingPageResponse extends PageResponse(ListingResponse) {}

export class ListingStatusChangeResponse {
  @ApiPropertyOptional({ enum: LISTING_STATUSES, nullable: true, example: 'draft' })
  fromStatus!: ListingStatus | null;
  @ApiProperty({ enum: LISTING_STATUSES, example: 'published' }) toStatus!: ListingStatus;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.user }) changedByUserId!:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Photos approved by the owner' }) note!:
    string | null;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) createdAt!: Date;
}

export class ListingStatusHistoryResponse {
  @ApiProperty({ type: [ListingStatusChangeResponse] }) items!: ListingStatusChangeResponse[];
}

/** Sent by the Reality Portal's worker (service token with scope listings:inquiries). */
export class DeliverInquiryDto {
  @ApiProperty({
    example: EXAMPLE_ID.portalInquiry,
    description: 'The portal’s id: delivering twice stores once',
  })
  @IsUUID()
  portalInquiryId!: string;

  @ApiProperty({ example: EXAMPLE_ID.listing })
  @IsUUID()
  listingId!: string;

  @ApiPropertyOptional({ example: EXAMPLE_ID.resident, description: 'The signed-in visitor, if any' })
  @IsOptional()
  @IsUUID()
  visitorUserId?: string;

  @ApiProperty({ example: 'Petr Svoboda' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'petr.svoboda@example.com' })
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({ example: '+420 602 345 678' })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{6,40}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiProperty({ example: 'Is the flat still available from January? Can I see it this week?' })
  @IsString()
  @Length(1, 5000)
  message!: string;
}

export class InquiryResponse {
  @ApiProperty({ example: EXAMPLE_ID.listingInquiry }) id!: string;
  @ApiProperty({ example: EXAMPLE_ID.listing }) listingId!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: EXAMPLE_ID.resident }) visitorUserId!:
    string | null;
  @ApiProperty({ example: 'Petr Svoboda' }) name!: string;
  @ApiProperty({ example: 'petr.svoboda@example.com' }) email!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '+420 602 345 678' }) phone!: string | null;
  @ApiProperty({ example: 'Is the flat still available from January? Can I see it this week?' })
  message!: string;
  @ApiProperty({ example: EXAMPLE_TIME.updated }) createdAt!: Date;
}

export class InquiryPageResponse extends PageResponse(InquiryResponse) {}

export class DeliveredInquiryResponse {
  @ApiProperty({ example: EXAMPLE_ID.listingInquiry }) id!: string;
  @ApiProperty({ example: true, description: 'false when this portal inquiry id was delivered before' })
  created!: boolean;
}
