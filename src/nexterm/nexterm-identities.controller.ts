import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../auth/auth.decorators';
import { ApiErrors } from '../docs/schema-helpers';
import { identityCreatedSchema, identityListSchema, identityMovedSchema, messageSchema, nextermErrorSchema } from './nexterm.openapi';
import { Principal } from '../auth/principal';
import { BodyValidationPipe } from '../common/body-validation.pipe';
import { NotFoundError, ValidationError } from '../common/domain-errors';
import { IdentitiesService, IdentityInput } from '../identities/identities.service';
import { Identity } from '../identities/identity.entity';
import { asInteger } from './joi-style';
import { NextermExceptionFilter } from './nexterm-error.presenter';
import { CreateIdentityDto, MoveIdentityDto, UPDATE_IDENTITY_FIELDS, UpdateIdentityDto } from './nexterm.dto';

// Real clients call the plural paths; Nexterm's documentation shows the singular ones. Both are served.
const BASES = ['api/identities', 'api/identity'];
const at = (suffix: string) => BASES.map((base) => (suffix ? `${base}/${suffix}` : base));

export function presentIdentity(identity: Identity) {
  return {
    id: identity.id,
    name: identity.name,
    type: identity.type,
    username: identity.username,
    organizationId: identity.organizationId,
    accountId: identity.ownerUserId,
    scope: identity.organizationId === null ? 'personal' : 'organization',
  };
}

function identityId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new NotFoundError('identity', raw);
  return Number(raw);
}

function secretsOf(body: { username?: string; password?: string; sshKey?: string; passphrase?: string }): IdentityInput {
  const input: IdentityInput = {};
  if (body.username !== undefined) input.username = body.username;
  if (body.password !== undefined) input.password = body.password;
  if (body.sshKey !== undefined) input.privateKey = body.sshKey;
  if (body.passphrase !== undefined) input.passphrase = body.passphrase;
  return input;
}

@Controller()
@UseFilters(NextermExceptionFilter)
@ApiTags('identities')
@ApiBearerAuth()
@ApiErrors(nextermErrorSchema, { 413: 'Body too large', 400: 'Invalid body, or missing authorization header', 401: 'The provided token is not valid', 403: 'No permission', 429: 'Too many requests, or too many failed passwords (Retry-After)', 503: 'Unavailable' })
export class NextermIdentitiesController {
  constructor(private readonly identities: IdentitiesService) {}

  @Get(at('list'))
  @RequirePermission('identities.read')
  @ApiOperation({ summary: 'Personal identities, then those of organizations the caller is an active member of' })
  @ApiOkResponse({ schema: identityListSchema })
  async list(@CurrentPrincipal() principal: Principal) {
    return (await this.identities.listVisible(principal)).map(presentIdentity);
  }

  @Put(at(''))
  @HttpCode(200)
  @RequirePermission('identities.create')
  @ApiOperation({ summary: 'Create an identity (personal, or in an organization)' })
  @ApiOkResponse({ schema: identityCreatedSchema })
  async create(@CurrentPrincipal() principal: Principal, @Body(new BodyValidationPipe(CreateIdentityDto)) body: CreateIdentityDto) {
    const organizationId = asInteger(body.organizationId);
    const identity = await this.identities.create(
      principal,
      organizationId === undefined ? { kind: 'personal' } : { kind: 'organization', id: organizationId },
      { name: body.name, type: body.type, ...secretsOf(body) },
    );
    return { message: 'Identity got successfully created', id: identity.id };
  }

  @Patch(at(':identityId'))
  @RequirePermission('identities.update')
  @ApiOperation({ summary: 'Update an identity (secrets synced by type)' })
  @ApiOkResponse({ schema: messageSchema })
  @ApiErrors(nextermErrorSchema, { 404: 'Identity does not exist' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('identityId') rawId: string,
    @Body(new BodyValidationPipe(UpdateIdentityDto)) body: UpdateIdentityDto,
  ) {
    if (!UPDATE_IDENTITY_FIELDS.some((field) => body[field] !== undefined)) {
      throw new ValidationError([{ field: 'body', code: 'or', message: `value must contain at least one of [${UPDATE_IDENTITY_FIELDS.join(', ')}]` }]);
    }
    const changes: IdentityInput = { ...secretsOf(body) };
    if (body.name !== undefined) changes.name = body.name;
    if (body.type !== undefined) changes.type = body.type;
    await this.identities.updateById(principal, identityId(rawId), changes);
    return { message: 'Identity got successfully edited' };
  }

  @Delete(at(':identityId'))
  @RequirePermission('identities.delete')
  @ApiOperation({ summary: 'Delete an identity' })
  @ApiOkResponse({ schema: messageSchema })
  @ApiErrors(nextermErrorSchema, { 404: 'Identity does not exist' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('identityId') rawId: string) {
    await this.identities.deleteById(principal, identityId(rawId));
    return { message: 'Identity got successfully deleted' };
  }

  @Post(at(':identityId/move'))
  @HttpCode(200)
  @RequirePermission('identities.update')
  @ApiOperation({ summary: 'Move a personal identity into an organization' })
  @ApiOkResponse({ schema: identityMovedSchema })
  @ApiErrors(nextermErrorSchema, { 404: 'Identity does not exist' })
  async move(@CurrentPrincipal() principal: Principal, @Param('identityId') rawId: string, @Body(new BodyValidationPipe(MoveIdentityDto)) body: MoveIdentityDto) {
    const identity = await this.identities.moveToOrganization(principal, identityId(rawId), asInteger(body.organizationId) as number);
    return {
      message: 'Identity successfully moved to organization',
      identity: { id: identity.id, name: identity.name, type: identity.type, organizationId: identity.organizationId, accountId: null },
    };
  }
}
