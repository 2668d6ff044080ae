import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '@ppt/auth';
import type { Page } from '../../common/page.dto';
import { Meta, type RequestMeta } from '../../common/request-meta';
import { CurrentTenant, type Tenant } from '../../common/tenant';
import {
  CreatePersonDto,
  ListPeopleQueryDto,
  PersonPageResponse,
  PersonResponse,
  UpdatePersonDto,
} from './dto/person.dto';
import { PeopleService } from './people.service';

@ApiTags('people')
@ApiBearerAuth()
@Roles('org_admin', 'manager')
@Controller('people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Get()
  @ApiOkResponse({ type: PersonPageResponse })
  list(@CurrentTenant() t: Tenant, @Query() query: ListPeopleQueryDto): Promise<Page<PersonResponse>> {
    return this.people.list(t, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: PersonResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<PersonResponse> {
    return this.people.get(t, id);
  }

  @Post()
  @ApiCreatedResponse({ type: PersonResponse })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreatePersonDto,
    @Meta() meta: RequestMeta,
  ): Promise<PersonResponse> {
    return this.people.create(t, dto, meta);
  }

  @Patch(':id')
  @ApiOkResponse({ type: PersonResponse })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdatePersonDto,
    @Meta() meta: RequestMeta,
  ): Promise<PersonResponse> {
    return this.people.update(t, id, dto, meta);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  delete(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.people.delete(t, id, meta);
  }
}
