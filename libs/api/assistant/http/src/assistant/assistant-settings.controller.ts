import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { AssistantSettingsService } from '@ppt/api-assistant-core';
import { AssistantSettingsResponse, PutAssistantSettingsDto } from '@ppt/api-assistant-core';

/** The organisation's AI provider, budgets and feature flag: organisation admins only. */
@ApiTags('assistant')
@ApiBearerAuth()
@Controller('assistant/settings')
export class AssistantSettingsController {
  constructor(private readonly settings: AssistantSettingsService) {}

  @Get()
  @RequirePermission(Permission.AssistantConfigure)
  @ApiOkResponse({
    type: AssistantSettingsResponse,
    description: 'The configuration in force (the key is never returned) and this month’s usage',
  })
  get(@CurrentTenant() t: Tenant): Promise<AssistantSettingsResponse> {
    return this.settings.get(t);
  }

  @Put()
  @RequirePermission(Permission.AssistantConfigure)
  @ApiOkResponse({
    type: AssistantSettingsResponse,
    description:
      'Saved after a test call with the new configuration succeeded; a configuration the provider refuses is not saved (422 AI_SETTINGS_REJECTED)',
  })
  put(@CurrentTenant() t: Tenant, @Body() dto: PutAssistantSettingsDto): Promise<AssistantSettingsResponse> {
    return this.settings.put(t, dto);
  }
}
