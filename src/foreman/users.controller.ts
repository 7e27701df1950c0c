import { Controller, Get, Param, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from '../auth/auth.decorators';
import { ApiErrors, closedObject, int, str } from '../docs/schema-helpers';
import { foremanErrorSchema, foremanUserIndexSchema, foremanUserSchema } from './foreman.openapi';
import { Principal } from '../auth/principal';
import { UsersService } from '../users/users.service';
import { User } from '../users/user.entity';
import { APIDOC, APIPIE_CHECKSUM } from './apidoc';
import { ForemanExceptionFilter } from './foreman-error.presenter';
import { ForemanTaxonomyGuard, ForemanTaxonomyRequest } from './foreman-taxonomy.guard';
import { FOREMAN_VERSION, ForemanHeadersGuard } from './foreman-headers.guard';
import { FOREMAN_DEFAULT_PER_PAGE, parseUserRef } from './foreman-params';
import { searchError } from './scoped-search';
import { foremanTime } from './ssh-key.presenter';

function presentUser(user: User) {
  return {
    id: user.id,
    login: user.login,
    firstname: user.firstName,
    lastname: user.lastName,
    mail: user.email,
    admin: user.isAdmin,
    disabled: user.disabled,
    created_at: foremanTime(user.createdAt),
    updated_at: foremanTime(user.updatedAt),
  };
}

/** Only what hammer needs to resolve `--user LOGIN`: `login = "x"` (or a blank search). */
function loginFromSearch(search: string | undefined): string | undefined {
  if (search === undefined || search.trim() === '') return undefined;
  const match = /^\s*login\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))\s*$/.exec(search);
  if (!match) throw searchError(`sshid supports only login = "<login>" when searching users`);
  return match[1] ?? match[2] ?? match[3];
}

@Controller()
@UseFilters(ForemanExceptionFilter)
@UseGuards(ForemanHeadersGuard, ForemanTaxonomyGuard)
@ApiTags('users')
@ApiBasicAuth()
@ApiBearerAuth()
@ApiErrors(foremanErrorSchema, { 400: 'Unreadable input (NUL, invalid Unicode, nesting)', 401: 'Unable to authenticate user', 404: 'Organization or location not found', 429: 'Too many requests, or too many failed passwords (Retry-After)' })
@ApiQuery({ name: 'organization_id', required: false, description: 'Scope to this organization (404 when unknown)' })
@ApiQuery({ name: 'location_id', required: false, description: 'sshid keeps no locations: any value answers 404' })
export class ForemanUsersController {
  constructor(private readonly users: UsersService) {}

  @Get(['api/users', 'api/v2/users'])
  @ApiOperation({ summary: 'List users (only `login = "x"` searches)' })
  @ApiQuery({ name: 'search', required: false, example: 'login = "alice"' })
  @ApiOkResponse({ schema: foremanUserIndexSchema })
  @ApiErrors(foremanErrorSchema, { 400: 'Unsupported search' })
  async index(@CurrentPrincipal() principal: Principal, @Req() request: ForemanTaxonomyRequest, @Query('search') search?: string) {
    const users = await this.users.listVisible(principal, { login: loginFromSearch(search), organizationId: request.foremanOrganizationId });
    return {
      total: users.length,
      subtotal: users.length,
      page: 1,
      per_page: Math.max(users.length, FOREMAN_DEFAULT_PER_PAGE),
      search: search ?? null,
      sort: { by: null, order: null },
      results: users.map(presentUser),
    };
  }

  @Get(['api/users/:id', 'api/v2/users/:id'])
  @ApiOperation({ summary: 'Show a user' })
  @ApiOkResponse({ schema: foremanUserSchema })
  @ApiErrors(foremanErrorSchema, { 404: 'Resource user not found' })
  async show(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return presentUser(await this.users.getVisible(principal, parseUserRef(id)));
  }

  @Get(['api/status', 'api/v2/status'])
  @ApiOperation({ summary: 'Server status' })
  @ApiOkResponse({ schema: closedObject({ result: str, status: int, version: str, api_version: int }) })
  status() {
    return { result: 'ok', status: 200, version: FOREMAN_VERSION, api_version: 2 };
  }

  @Get('apidoc/apipie_checksum')
  @Public()
  @ApiExcludeEndpoint()
  checksum() {
    return { checksum: APIPIE_CHECKSUM };
  }

  @Get(['apidoc/v2.json', 'apidoc/v2.en.json'])
  @Public()
  @ApiExcludeEndpoint()
  apidoc() {
    return APIDOC;
  }
}
