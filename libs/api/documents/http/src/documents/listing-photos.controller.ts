import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@ppt/observability';
import type { Response } from 'express';
import { documentNotFound } from '@ppt/api-documents-core';
import { DocumentsService } from '@ppt/api-documents-core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Photos of listings on the market, for the Reality Portal and anyone who sees a listing there. */
@ApiTags('documents')
@Public()
@Controller('public/listing-photos')
export class ListingPhotosController {
  constructor(private readonly documents: DocumentsService) {}

  @Get(':documentId')
  @ApiFoundResponse({ description: 'Location: a presigned URL of the image, valid for 5 minutes' })
  @ApiNotFoundResponse({ description: 'Not a photo of a published or reserved listing' })
  async redirect(@Param('documentId') documentId: string, @Res() res: Response): Promise<void> {
    const url = UUID.test(documentId) ? await this.documents.listingPhotoUrl(documentId) : null;
    if (!url) throw documentNotFound();
    // Short enough that a withdrawn listing's photos stop resolving soon after.
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.redirect(302, url);
  }
}
