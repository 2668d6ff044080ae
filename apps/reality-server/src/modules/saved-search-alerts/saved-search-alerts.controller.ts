import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConsumes,
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { Visitor, type VisitorPrincipal } from '@ppt/auth';
import { SAVED_SEARCH_ALERTS, type SavedSearchAlert } from '@ppt/portal-db';
import { Public } from '@ppt/observability';
import { IsIn, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { SavedSearchResponse } from '../saved-searches/dto/saved-search.dto';
import { SavedSearchAlertsService } from './saved-search-alerts.service';

export class SavedSearchAlertDto {
  @ApiProperty({
    enum: SAVED_SEARCH_ALERTS,
    example: 'daily',
    description: 'E-mail about new matches: off, instant (within about 10 minutes) or a daily digest',
  })
  @IsIn(SAVED_SEARCH_ALERTS)
  alert!: SavedSearchAlert;
}

export class AlertUnsubscribeQueryDto {
  @ApiProperty({ description: 'The signed token of the e-mail link' })
  @IsString()
  @MaxLength(300)
  token!: string;
}

export class AlertUnsubscribedResponse {
  @ApiProperty({ example: 1, description: 'Saved searches whose alert was turned off' })
  unsubscribed!: number;
}

@ApiTags('saved-searches')
@Controller('saved-searches')
export class SavedSearchAlertsController {
  constructor(private readonly alerts: SavedSearchAlertsService) {}

  @ApiBearerAuth()
  @Put(':id/alert')
  @ApiOkResponse({ type: SavedSearchResponse })
  async setAlert(
    @Visitor() visitor: VisitorPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SavedSearchAlertDto,
  ): Promise<SavedSearchResponse> {
    const s = await this.alerts.setAlert(visitor.userId, id, dto.alert);
    return { id: s.id, name: s.name, filters: s.filters, alert: s.alert, createdAt: s.createdAt };
  }

  /** RFC 8058 one-click unsubscribe (mail clients POST `List-Unsubscribe=One-Click`); no sign-in. */
  @Public()
  @Post('unsubscribe')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOkResponse({ type: AlertUnsubscribedResponse })
  unsubscribe(@Query() query: AlertUnsubscribeQueryDto): Promise<AlertUnsubscribedResponse> {
    return this.alerts.unsubscribe(query.token);
  }

  /** The link opened in a browser: a button that POSTs (a mail scanner's GET changes nothing). */
  @Public()
  @Get('unsubscribe')
  @ApiExcludeEndpoint()
  page(@Query() query: AlertUnsubscribeQueryDto, @Res() res: Response): void {
    const ok = this.alerts.tokens?.verify(query.token) != null;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res
      .status(ok ? 200 : 400)
      .type('html')
      .send(
        ok
          ? `<!doctype html><title>Unsubscribe</title><form method="post" action="?token=${encodeURIComponent(query.token)}">` +
              '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
              '<p>Stop these alerts?</p><button type="submit">Unsubscribe</button></form>'
          : '<!doctype html><title>Unsubscribe</title><p>This unsubscribe link is not valid.</p>',
      );
  }
}
