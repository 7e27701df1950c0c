import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { ApiErrors } from '../docs/schema-helpers';
import { destroyedSshKeySchema, foremanErrorSchema, sshKeyCreateBody, sshKeyIndexSchema, sshKeySchema } from './foreman.openapi';
import { CurrentPrincipal, RequirePermission } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { PublicKeysService } from '../keys/public-keys.service';
import { ForemanExceptionFilter } from './foreman-error.presenter';
import { ForemanTaxonomyGuard } from './foreman-taxonomy.guard';
import { ForemanHeadersGuard } from './foreman-headers.guard';
import { parseForemanPaging, parseUserRef, sshKeyLookups } from './foreman-params';
import { ForemanJsonBodyGuard } from './foreman-json-body.guard';
import { ForemanSshKeyBodyPipe, ForemanSshKeyCreateBody } from './foreman-ssh-key.dto';
import { parseForemanOrder, parseForemanSearch } from './scoped-search';
import { htmlSafeJson, presentDestroyedSshKey, presentSshKey } from './ssh-key.presenter';

interface IndexQuery {
  search?: string;
  order?: string;
  page?: string;
  per_page?: string;
}

@Controller(['api/users/:user_id/ssh_keys', 'api/v2/users/:user_id/ssh_keys'])
@UseFilters(ForemanExceptionFilter)
@UseGuards(ForemanHeadersGuard, ForemanTaxonomyGuard)
@ApiTags('ssh_keys')
@ApiBasicAuth()
@ApiBearerAuth()
@ApiParam({ name: 'user_id', description: 'ID of the user (`5` or `5-login`)', schema: { type: 'string' } })
@ApiQuery({ name: 'organization_id', required: false, description: 'Scope to this organization (404 when unknown; the user must be a member)' })
@ApiQuery({ name: 'location_id', required: false, description: 'sshid keeps no locations: any value answers 404' })
@ApiErrors(foremanErrorSchema, {
  413: 'Body too large',
  401: 'Unable to authenticate user',
  403: 'Access denied (missing permission)',
  400: 'Unreadable input (NUL, invalid Unicode, nesting), bad search, order or paging',
  404: 'Organization or location not found, or the resource not found',
  422: "Couldn't find User",
  429: 'Too many requests, or too many failed passwords (Retry-After)',
  503: 'Database unavailable',
})
export class ForemanSshKeysController {
  constructor(private readonly keys: PublicKeysService) {}

  @Get()
  @RequirePermission('ssh_keys.view')
  @ApiOperation({ summary: 'List all SSH keys for a user' })
  @ApiQuery({ name: 'search', required: false, description: 'scoped search over name, id, user_id' })
  @ApiQuery({ name: 'order', required: false, description: '`<field> [ASC|DESC]`' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'per_page', required: false, schema: { type: 'string', pattern: '^([1-9]\\d*|all)$' } })
  @ApiOkResponse({ schema: sshKeyIndexSchema })
  @ApiErrors(foremanErrorSchema, { 400: 'Bad search, order or paging' })
  async index(@CurrentPrincipal() principal: Principal, @Param('user_id') userRef: string, @Query() query: IndexQuery, @Res() reply: FastifyReply) {
    const userId = parseUserRef(userRef);
    const paging = parseForemanPaging(one(query.page), one(query.per_page));
    const search = one(query.search);
    const filter = parseForemanSearch(search);
    const order = parseForemanOrder(one(query.order));
    const page = await this.keys.listForUser(principal, userId, {
      filter: filter ?? undefined,
      order: order ? { field: order.field, direction: order.direction } : undefined,
      limit: paging.perPage,
      offset: paging.perPage === null ? 0 : (paging.page - 1) * paging.perPage,
    });
    const sort = { by: order?.field ?? null, order: order ? order.raw : null };
    // Assembled by hand so that search and sort get Rails' HTML-safe escaping and keys keep Foreman's order.
    const body =
      `{"total":${page.total},"subtotal":${page.subtotal},"page":${paging.page},` +
      `"per_page":${paging.perPage ?? page.total},"search":${htmlSafeJson(search ?? null)},"sort":${htmlSafeJson(sort)},` +
      `"results":${JSON.stringify(page.keys.map(presentSshKey))}}`;
    void reply.status(200).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  @Get(':id')
  @RequirePermission('ssh_keys.view')
  @ApiOperation({ summary: 'Show an SSH key from a user' })
  @ApiParam({ name: 'id', description: 'ID (`3`, `3-name`) or name of the key', schema: { type: 'string' } })
  @ApiOkResponse({ schema: sshKeySchema })
  @ApiErrors(foremanErrorSchema, { 404: 'Resource ssh_key not found' })
  async show(@CurrentPrincipal() principal: Principal, @Param('user_id') userRef: string, @Param('id') id: string) {
    const ref = stripFormat(id);
    return presentSshKey(await this.keys.findForUser(principal, parseUserRef(userRef), sshKeyLookups(ref), ref));
  }

  @Post()
  @HttpCode(201)
  @RequirePermission('ssh_keys.create')
  @ApiOperation({ summary: 'Add an SSH key for a user' })
  @ApiBody({ schema: sshKeyCreateBody })
  @ApiCreatedResponse({ schema: sshKeySchema })
  @ApiErrors(foremanErrorSchema, { 400: 'Malformed JSON', 415: 'Not JSON' })
  @UseGuards(ForemanJsonBodyGuard)
  async create(@CurrentPrincipal() principal: Principal, @Param('user_id') userRef: string, @Body(ForemanSshKeyBodyPipe) body: ForemanSshKeyCreateBody) {
    return presentSshKey(await this.keys.addForUser(principal, parseUserRef(userRef), body.attributes()));
  }

  @Delete(':id')
  @RequirePermission('ssh_keys.delete')
  @ApiOperation({ summary: 'Delete an SSH key for a user' })
  @ApiParam({ name: 'id', description: 'ID (`3`, `3-name`) or name of the key', schema: { type: 'string' } })
  @ApiOkResponse({ schema: destroyedSshKeySchema })
  @ApiErrors(foremanErrorSchema, { 404: 'Resource ssh_key not found' })
  async destroy(@CurrentPrincipal() principal: Principal, @Param('user_id') userRef: string, @Param('id') id: string) {
    const ref = stripFormat(id);
    return presentDestroyedSshKey(await this.keys.removeForUser(principal, parseUserRef(userRef), sshKeyLookups(ref), ref));
  }
}

/** A repeated query parameter counts once (the last, as Rails does). */
function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** Rails accepts a `.json` format suffix on ids. */
function stripFormat(id: string): string {
  return id.endsWith('.json') ? id.slice(0, -5) : id;
}
