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
import { CurrentUser, type UserPrincipal } from '@ppt/auth';
import { PageQueryDto, type Page } from '@ppt/http';
import { Meta, type RequestMeta } from '../../common/request-meta';
import {
  AddMemberDto,
  CreateOrganizationDto,
  MemberPageResponse,
  MemberResponse,
  OrganizationResponse,
  UpdateMemberDto,
  UpdateOrganizationDto,
} from './dto/organizations.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @ApiCreatedResponse({ type: OrganizationResponse, description: 'The creator becomes org_admin' })
  create(
    @CurrentUser() user: UserPrincipal,
    @Body() dto: CreateOrganizationDto,
    @Meta() meta: RequestMeta,
  ): Promise<OrganizationResponse> {
    return this.organizations.create(user, dto, meta);
  }

  @Get()
  @ApiOkResponse({ type: [OrganizationResponse], description: "The caller's organisations" })
  list(@CurrentUser() user: UserPrincipal): Promise<OrganizationResponse[]> {
    return this.organizations.list(user);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrganizationResponse })
  get(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<OrganizationResponse> {
    return this.organizations.get(user, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: OrganizationResponse })
  update(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateOrganizationDto,
    @Meta() meta: RequestMeta,
  ): Promise<OrganizationResponse> {
    return this.organizations.update(user, id, dto, meta);
  }

  @Get(':id/members')
  @ApiOkResponse({ type: MemberPageResponse })
  members(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQueryDto,
  ): Promise<Page<MemberResponse>> {
    return this.organizations.listMembers(user, id, page);
  }

  @Post(':id/members')
  @ApiCreatedResponse({ type: MemberResponse })
  addMember(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AddMemberDto,
    @Meta() meta: RequestMeta,
  ): Promise<MemberResponse> {
    return this.organizations.addMember(user, id, dto, meta);
  }

  @Patch(':id/members/:memberId')
  @ApiOkResponse({ type: MemberResponse })
  changeRole(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('memberId', ParseUUIDPipe) memberId: string,
    @Body() dto: UpdateMemberDto,
    @Meta() meta: RequestMeta,
  ): Promise<MemberResponse> {
    return this.organizations.changeRole(user, id, memberId, dto.role, meta);
  }

  @Delete(':id/members/:memberId')
  @HttpCode(204)
  @ApiNoContentResponse()
  removeMember(
    @CurrentUser() user: UserPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('memberId', ParseUUIDPipe) memberId: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.organizations.removeMember(user, id, memberId, meta);
  }
}
