import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { SAVED_SEARCH_ALERTS, type SavedSearchAlert } from '@ppt/portal-db';
import { IsOmittable, PageResponse, Trim } from '@ppt/http';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsString, Length, ValidateNested } from 'class-validator';
import { SearchListingsQueryDto } from '../../listings/dto/search.dto';

/** The filters of GET /listings, without paging. */
export class SearchFiltersDto extends OmitType(SearchListingsQueryDto, [
  'limit',
  'offset',
  'after',
] as const) {}

export class CreateSavedSearchDto {
  @ApiProperty({ example: 'Vinohrady up to 25 000 CZK' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    type: SearchFiltersDto,
    example: { transaction: 'rent', city: 'Praha', priceMax: 2500000, roomsMin: 2 },
  })
  @IsDefined()
  @ValidateNested()
  @Type(() => SearchFiltersDto)
  filters!: SearchFiltersDto;

  @ApiPropertyOptional({
    enum: SAVED_SEARCH_ALERTS,
    example: 'daily',
    description: 'E-mail about new matches (default off); PUT /saved-searches/{id}/alert changes it',
  })
  @IsOmittable()
  @IsIn(SAVED_SEARCH_ALERTS)
  alert?: SavedSearchAlert;
}

export class SavedSearchResponse {
  @ApiProperty({ example: '3c5e7a9b-1d3f-4a5b-8c7d-9e1f3a5b7c9d' }) id!: string;
  @ApiProperty({ example: 'Vinohrady up to 25 000 CZK' }) name!: string;
  @ApiProperty({
    type: SearchFiltersDto,
    example: { transaction: 'rent', city: 'Praha', priceMax: 2500000, roomsMin: 2 },
  })
  filters!: Record<string, unknown>;
  @ApiProperty({ enum: SAVED_SEARCH_ALERTS, example: 'off' }) alert!: SavedSearchAlert;
  @ApiProperty({ example: '2026-11-21T18:30:00.000Z' }) createdAt!: Date;
}

export class SavedSearchPageResponse extends PageResponse(SavedSearchResponse) {}
