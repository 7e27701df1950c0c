import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { commaList } from '../common/comma-list';
import { ValidationError } from '../common/domain-errors';
import { arrayOf, closedObject, nullable, str } from '../docs/schema-helpers';
import { defaultIdentityScope, IdentitiesService, IdentityScope } from '../identities/identities.service';
import { Identity } from '../identities/identity.entity';
import { KeyService } from '../keys/key.service';

const matchedIdentitySchema = closedObject({
  id: str,
  name: str,
  username: nullable(str),
  organization: nullable({ type: 'integer' }),
  publicKeys: arrayOf(closedObject({ key: str, fingerprint: str })),
  restrictions: { type: 'object' },
});

function presentMatch(identity: Identity) {
  return {
    id: identity.slug,
    name: identity.name,
    username: identity.username,
    organization: identity.organizationId,
    publicKeys: (identity.keys ?? []).map((key) => ({ key: key.keyText, fingerprint: key.fingerprintSha256 })),
    restrictions: identity.restrictions,
  };
}

/**
 * Which identities hold a key and may reach a target in a project with tags (Northflank's restriction rules).
 * sshid's own route: it lived under Northflank's `/ssh-identities/match`, where it shadowed an identity with id `match`.
 */
@Controller('api/sshid/v1/identities')
@ApiTags('sshid')
@ApiBearerAuth()
export class IdentityMatchController {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly keys: KeyService,
  ) {}

  @Get('match')
  @RequirePermission('identities.read')
  @ApiOperation({ summary: 'Identities of the account (or of `team`) holding a key that may reach a target in `project` with `tags`' })
  @ApiQuery({ name: 'fingerprint', required: true, example: 'SHA256:uTkIfMjnVag6YUACfdLOWkcoTVgaz+LObgFpmXyf568' })
  @ApiQuery({ name: 'project', required: false })
  @ApiQuery({ name: 'tags', required: false, description: 'comma-separated' })
  @ApiQuery({ name: 'team', required: false, description: 'organization slug; the account (or the token’s team) when omitted' })
  @ApiOkResponse({ schema: closedObject({ identities: arrayOf(matchedIdentitySchema) }) })
  async match(
    @CurrentPrincipal() principal: Principal,
    @Query() query: { fingerprint?: string; project?: string; tags?: string | string[]; team?: string },
  ) {
    const fingerprint = typeof query.fingerprint === 'string' ? this.keys.normaliseFingerprint(query.fingerprint) : null;
    if (!fingerprint) {
      throw new ValidationError([{ field: 'fingerprint', code: 'invalid', message: 'fingerprint must be a SHA256 fingerprint (SHA256:… or base64)' }]);
    }
    const tags = commaList(query.tags);
    const project = typeof query.project === 'string' && query.project !== '' ? query.project : undefined;
    const identities = await this.identities.match(principal, this.scope(principal, query.team), fingerprint, { project, tags });
    return { identities: identities.map(presentMatch) };
  }

  private scope(principal: Principal, team: string | undefined): IdentityScope {
    if (typeof team === 'string' && team !== '') {
      if (!/^[A-Za-z0-9-]{1,64}$/.test(team)) throw new ValidationError([{ field: 'team', code: 'pattern', message: 'team must match ^[A-Za-z0-9-]+$' }]);
      return { kind: 'organization', slug: team };
    }
    return defaultIdentityScope(principal);
  }
}
