import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentUser, Permission, RequirePermission, type UserPrincipal } from '@ppt/auth';
import {
  AlertPageResponse,
  AlertRuleIdParam,
  AlertRulePageResponse,
  AlertRuleResponse,
  AlertRulesService,
  AlertsQueryDto,
  CreateAlertRuleDto,
  SavedAlertRuleResponse,
  UpdateAlertRuleDto,
} from '@ppt/api-identity-core';
import { PageQueryDto } from '@ppt/http';

/** Platform alert rules and their alerts, for platform administrators (issue #22, item 4). */
@ApiTags('infrastructure')
@ApiBearerAuth()
@RequirePermission(Permission.PlatformOperate)
@Controller('infrastructure')
export class AlertRulesController {
  constructor(private readonly alerts: AlertRulesService) {}

  @Get('alert-rules')
  @ApiOkResponse({ type: AlertRulePageResponse })
  list(@Query() query: PageQueryDto): Promise<AlertRulePageResponse> {
    return this.alerts.list(query);
  }

  /** The enabled rules as Prometheus alerting rules, for deployments that run Alertmanager. */
  @Get('alert-rules/prometheus')
  @Header('content-type', 'text/yaml; charset=utf-8')
  @ApiProduces('text/yaml')
  @ApiOkResponse({ description: 'A Prometheus rule file (groups of alerting rules)', schema: { type: 'string' } })
  prometheus(): Promise<string> {
    return this.alerts.prometheus();
  }

  /** A broken rule is refused with the reasons (ALERT_RULE_INVALID); a webhook's secret is in the answer, once. */
  @Post('alert-rules')
  @ApiCreatedResponse({ type: SavedAlertRuleResponse })
  create(
    @CurrentUser() admin: UserPrincipal,
    @Body() body: CreateAlertRuleDto,
    @Meta() meta: RequestMeta,
  ): Promise<SavedAlertRuleResponse> {
    return this.alerts.create(admin, body, meta);
  }

  @Get('alert-rules/:id')
  @ApiOkResponse({ type: AlertRuleResponse })
  get(@Param() params: AlertRuleIdParam): Promise<AlertRuleResponse> {
    return this.alerts.get(params.id);
  }

  @Patch('alert-rules/:id')
  @ApiOkResponse({ type: SavedAlertRuleResponse })
  update(
    @CurrentUser() admin: UserPrincipal,
    @Param() params: AlertRuleIdParam,
    @Body() body: UpdateAlertRuleDto,
    @Meta() meta: RequestMeta,
  ): Promise<SavedAlertRuleResponse> {
    return this.alerts.update(admin, params.id, body, meta);
  }

  @Delete('alert-rules/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(
    @CurrentUser() admin: UserPrincipal,
    @Param() params: AlertRuleIdParam,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.alerts.remove(admin, params.id, meta);
  }

  /** Alert instances, newest first (`state`: pending, firing or resolved). */
  @Get('alerts')
  @ApiOkResponse({ type: AlertPageResponse })
  alertsList(@Query() query: AlertsQueryDto): Promise<AlertPageResponse> {
    return this.alerts.alerts(query);
  }
}
