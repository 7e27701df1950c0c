import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../auth/auth.decorators';
import { ApiErrors } from '../docs/schema-helpers';
import { emptyEnvelope, identityEnvelope, identityListEnvelope, northflankErrorSchema } from './northflank.openapi';
import { Principal } from '../auth/principal';
import { BodyValidationPipe } from '../common/body-validation.pipe';
import { ValidationError } from '../common/domain-errors';
import { IdentitiesService, IdentityInput } from '../identities/identities.service';
import { identitySlug } from '../identities/identity-rules';
import { NorthflankExceptionFilter } from './northflank-error.presenter';
import { encodeCursor, parseIdentityId, parseListQuery, scopeFor } from './northflank-query';
import { CreateSshIdentityDto, UpdateSshIdentityDto } from './ssh-identity.dto';
import { presentSshIdentity } from './ssh-identity.presenter';

const COLLECTION = ['v1/integrations/ssh-identities', 'v1/teams/:teamId/integrations/ssh-identities'];
const ITEM = COLLECTION.map((path) => `${path}/:identityId`);

function toInput(dto: UpdateSshIdentityDto & { name?: string }): IdentityInput {
  const input: IdentityInput = {};
  if (dto.name !== undefined) input.name = dto.name;
  if (dto.description !== undefined) input.description = dto.description;
  if (dto.sshPublicKeys !== undefined) input.publicKeys = dto.sshPublicKeys.map((k) => k.key);
  if (dto.restrictions !== undefined) input.restrictions = JSON.parse(JSON.stringify(dto.restrictions));
  return input;
}

/** Northflank's SSH identity API at the account path and the team path; every success is 200 `{data}`. */
@Controller()
@UseFilters(NorthflankExceptionFilter)
@ApiTags('ssh-identities')
@ApiBearerAuth()
@ApiErrors(northflankErrorSchema, { 413: 'Body too large', 400: 'Validation failed', 401: 'Unauthorized', 403: 'Insufficient permissions or not a member of the team', 429: 'Rate limit exceeded', 503: 'Unavailable' })
export class NorthflankSshIdentitiesController {
  constructor(private readonly identities: IdentitiesService) {}

  @Get(COLLECTION)
  @RequirePermission('identities.read')
  @ApiOperation({ summary: 'Lists the SSH identities of the account or team' })
  @ApiQuery({ name: 'per_page', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiOkResponse({ schema: identityListEnvelope })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('teamId') teamId: string | undefined,
    @Query() query: { per_page?: string; page?: string; cursor?: string },
  ) {
    const page = parseListQuery(query);
    const result = await this.identities.list(principal, scopeFor(principal, teamId), page);
    const next = page.offset + result.identities.length;
    const hasNextPage = result.hasMore;
    return {
      data: { identities: result.identities.map(presentSshIdentity) },
      // On the last page `cursor` is absent, not null: the js-client's `.all()` loops on anything else.
      pagination: { hasNextPage, count: result.identities.length, ...(hasNextPage ? { cursor: encodeCursor(next) } : {}) },
    };
  }

  @Post(COLLECTION)
  @HttpCode(200)
  @RequirePermission('identities.create')
  @ApiOperation({ summary: 'Adds a new SSH identity' })
  @ApiBody({ type: CreateSshIdentityDto })
  @ApiOkResponse({ schema: identityEnvelope })
  @ApiErrors(northflankErrorSchema, { 409: 'There is already an SSH identity with the same derived identifier' })
  async add(
    @CurrentPrincipal() principal: Principal,
    @Param('teamId') teamId: string | undefined,
    @Body(new BodyValidationPipe(CreateSshIdentityDto)) body: CreateSshIdentityDto,
  ) {
    const slug = identitySlug(body.name);
    if (!slug) {
      throw new ValidationError([{ field: 'name', code: 'slug', message: 'name must start with a letter so that an id can be derived from it' }]);
    }
    const identity = await this.identities.create(principal, scopeFor(principal, teamId), toInput(body), slug);
    return { data: presentSshIdentity(identity) };
  }

  @Get(ITEM)
  @RequirePermission('identities.read')
  @ApiOperation({ summary: 'Views SSH identity data including public keys' })
  @ApiParam({ name: 'identityId', schema: { type: 'string' } })
  @ApiOkResponse({ schema: identityEnvelope })
  @ApiErrors(northflankErrorSchema, { 404: 'SSH identity not found' })
  async get(@CurrentPrincipal() principal: Principal, @Param('teamId') teamId: string | undefined, @Param('identityId') identityId: string) {
    return { data: presentSshIdentity(await this.identities.getBySlug(principal, scopeFor(principal, teamId), parseIdentityId(identityId))) };
  }

  @Put(ITEM)
  @RequirePermission('identities.update')
  @ApiOperation({
    summary: 'Creates or updates SSH identity data',
    description:
      "Replaces the whole identity: every field the body omits (description, sshPublicKeys, restrictions) is reset to its default. What only sshid's other views hold (a Nexterm identity's remote username, password or private key, and the public key derived from it) is kept. Creating through PUT needs the Create permission as well as Update.",
  })
  @ApiParam({ name: 'identityId', schema: { type: 'string' } })
  @ApiBody({ type: CreateSshIdentityDto })
  @ApiOkResponse({ schema: identityEnvelope })
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('teamId') teamId: string | undefined,
    @Param('identityId') identityId: string,
    @Body(new BodyValidationPipe(CreateSshIdentityDto)) body: CreateSshIdentityDto,
  ) {
    const slug = parseIdentityId(identityId);
    const { identity } = await this.identities.put(principal, scopeFor(principal, teamId), slug, toInput(body));
    return { data: presentSshIdentity(identity) };
  }

  @Patch(ITEM)
  @RequirePermission('identities.update')
  @ApiOperation({ summary: 'Updates SSH identity data (arrays sent replace arrays)' })
  @ApiParam({ name: 'identityId', schema: { type: 'string' } })
  @ApiBody({ type: UpdateSshIdentityDto })
  @ApiOkResponse({ schema: identityEnvelope })
  @ApiErrors(northflankErrorSchema, { 404: 'SSH identity not found' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('teamId') teamId: string | undefined,
    @Param('identityId') identityId: string,
    @Body(new BodyValidationPipe(UpdateSshIdentityDto)) body: UpdateSshIdentityDto,
  ) {
    const identity = await this.identities.updateBySlug(principal, scopeFor(principal, teamId), parseIdentityId(identityId), toInput(body));
    return { data: presentSshIdentity(identity) };
  }

  @Delete(ITEM)
  @RequirePermission('identities.delete')
  @ApiOperation({ summary: 'Deletes an SSH identity' })
  @ApiParam({ name: 'identityId', schema: { type: 'string' } })
  @ApiOkResponse({ schema: emptyEnvelope })
  @ApiErrors(northflankErrorSchema, { 404: 'SSH identity not found' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('teamId') teamId: string | undefined, @Param('identityId') identityId: string) {
    await this.identities.deleteBySlug(principal, scopeFor(principal, teamId), parseIdentityId(identityId));
    return { data: {} };
  }
}
