import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseFilters } from '@nestjs/common';
import { CurrentPrincipal, RequirePermission } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { BodyValidationPipe } from '../common/body-validation.pipe';
import { ValidationError } from '../common/domain-errors';
import { IdentitiesService, identitySlug, IdentityInput } from '../identities/identities.service';
import { KeyService } from '../keys/key.service';
import { NorthflankExceptionFilter } from './northflank-error.presenter';
import { encodeCursor, parseIdentityId, parseListQuery, scopeFor } from './northflank-query';
import { CreateSshIdentityDto, UpdateSshIdentityDto } from './ssh-identity.dto';
import { presentSshIdentity } from './ssh-identity.presenter';

const COLLECTION = ['v1/integrations/ssh-identities', 'v1/teams/:teamId/integrations/ssh-identities'];
const ITEM = COLLECTION.map((path) => `${path}/:identityId`);
const MATCH = COLLECTION.map((path) => `${path}/match`);

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
export class NorthflankSshIdentitiesController {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly keys: KeyService,
  ) {}

  @Get(COLLECTION)
  @RequirePermission('identities.read')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param('teamId') teamId: string | undefined,
    @Query() query: { per_page?: string; page?: string; cursor?: string },
  ) {
    const page = parseListQuery(query);
    const result = await this.identities.list(principal, scopeFor(principal, teamId), page);
    const next = page.offset + result.identities.length;
    const hasNextPage = next < result.total;
    return {
      data: { identities: result.identities.map(presentSshIdentity) },
      // On the last page `cursor` is absent, not null: the js-client's `.all()` loops on anything else.
      pagination: { hasNextPage, count: result.identities.length, ...(hasNextPage ? { cursor: encodeCursor(next) } : {}) },
    };
  }

  @Post(COLLECTION)
  @HttpCode(200)
  @RequirePermission('identities.create')
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

  /** Which identities of the scope hold this key and may reach a target in `project` with `tags`. */
  @Get(MATCH)
  @RequirePermission('identities.read')
  async match(
    @CurrentPrincipal() principal: Principal,
    @Param('teamId') teamId: string | undefined,
    @Query() query: { fingerprint?: string; project?: string; tags?: string | string[] },
  ) {
    const fingerprint = typeof query.fingerprint === 'string' ? this.keys.normaliseFingerprint(query.fingerprint) : null;
    if (!fingerprint) {
      throw new ValidationError([{ field: 'fingerprint', code: 'invalid', message: 'fingerprint must be a SHA256 fingerprint (SHA256:… or base64)' }]);
    }
    const tags = (Array.isArray(query.tags) ? query.tags : query.tags ? [query.tags] : []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    const project = typeof query.project === 'string' && query.project !== '' ? query.project : undefined;
    const identities = await this.identities.match(principal, scopeFor(principal, teamId), fingerprint, { project, tags });
    return { data: { identities: identities.map(presentSshIdentity) } };
  }

  @Get(ITEM)
  @RequirePermission('identities.read')
  async get(@CurrentPrincipal() principal: Principal, @Param('teamId') teamId: string | undefined, @Param('identityId') identityId: string) {
    return { data: presentSshIdentity(await this.identities.getBySlug(principal, scopeFor(principal, teamId), parseIdentityId(identityId))) };
  }

  @Put(ITEM)
  @RequirePermission('identities.update')
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
  async remove(@CurrentPrincipal() principal: Principal, @Param('teamId') teamId: string | undefined, @Param('identityId') identityId: string) {
    await this.identities.deleteBySlug(principal, scopeFor(principal, teamId), parseIdentityId(identityId));
    return { data: {} };
  }
}
