import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { Visitor, type VisitorPrincipal } from '@ppt/auth';
import { PageQueryDto, PageResponse, type Page } from '@ppt/http';
import { PortalListingResponse } from '../listings/dto/search.dto';
import { FavoritesService } from './favorites.service';

export class FavoriteResponse extends PortalListingResponse {
  @ApiProperty({ example: '2026-11-21T18:30:00.000Z' }) favoritedAt!: Date;
}

export class FavoritePageResponse extends PageResponse(FavoriteResponse) {}

/** Signed-in visitors only (SSO); each visitor sees and changes only their own favourites. */
@ApiTags('favorites')
@ApiBearerAuth()
@Controller('favorites')
export class FavoritesController {
  constructor(private readonly favorites: FavoritesService) {}

  @Get()
  @ApiOkResponse({
    type: FavoritePageResponse,
    description: 'Newest first; listings off the market are hidden',
  })
  list(@Visitor() visitor: VisitorPrincipal, @Query() page: PageQueryDto): Promise<Page<FavoriteResponse>> {
    return this.favorites.list(visitor.userId, page);
  }

  @Get(':listingId')
  @ApiOkResponse({ type: FavoriteResponse })
  @ApiNotFoundResponse({ description: 'Not a favourite, or the listing is off the market' })
  get(
    @Visitor() visitor: VisitorPrincipal,
    @Param('listingId', ParseUUIDPipe) listingId: string,
  ): Promise<FavoriteResponse> {
    return this.favorites.get(visitor.userId, listingId);
  }

  @Put(':listingId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Saved (again is fine). 404 when the listing is not on the market.' })
  add(
    @Visitor() visitor: VisitorPrincipal,
    @Param('listingId', ParseUUIDPipe) listingId: string,
  ): Promise<void> {
    return this.favorites.add(visitor.userId, listingId);
  }

  @Delete(':listingId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed (or was not a favourite)' })
  remove(
    @Visitor() visitor: VisitorPrincipal,
    @Param('listingId', ParseUUIDPipe) listingId: string,
  ): Promise<void> {
    return this.favorites.remove(visitor.userId, listingId);
  }
}
