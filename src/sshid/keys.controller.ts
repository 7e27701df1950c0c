import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { BodyValidationPipe } from '../common/body-validation.pipe';
import { ValidationError } from '../common/domain-errors';
import { arrayOf, bool, closedObject, int, nullable, str } from '../docs/schema-helpers';
import { PublicKey } from '../keys/public-key.entity';
import { PublicKeysService } from '../keys/public-keys.service';
import { CreateKeyDto, UpdateKeyDto } from './sshid-api.dto';

const keySchema = closedObject({
  id: int,
  name: nullable(str),
  type: str,
  bits: int,
  fingerprint: str,
  identityId: nullable(int),
  expiresAt: nullable(str),
  expired: bool,
  lastUsedAt: nullable(str),
  createdAt: str,
});

function presentKey(key: PublicKey) {
  return {
    id: key.id,
    name: key.name,
    type: key.keyType,
    bits: key.bits,
    fingerprint: key.fingerprintSha256,
    identityId: key.identityId,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    expired: key.expiresAt !== null && key.expiresAt.getTime() <= Date.now(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}

/** sshid's own view of keys: expiry and last use, which no dialect has a place for. */
@Controller('api/sshid/v1/keys')
@ApiTags('sshid')
@ApiBearerAuth()
export class SshidKeysController {
  constructor(private readonly keys: PublicKeysService) {}

  @Get()
  @ApiOperation({ summary: "The caller's personal keys, with expiry and last use" })
  @ApiOkResponse({ schema: arrayOf(keySchema) })
  async list(@CurrentPrincipal() principal: Principal) {
    const page = await this.keys.listForUser(principal, principal.user.id, { limit: null, offset: 0 });
    return page.keys.map(presentKey);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a personal key, optionally expiring' })
  async create(@CurrentPrincipal() principal: Principal, @Body(new BodyValidationPipe(CreateKeyDto)) body: CreateKeyDto) {
    return presentKey(await this.keys.addForUser(principal, principal.user.id, { name: body.name, key: body.key, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null }));
  }

  @Patch(':id')
  @ApiOperation({ summary: "Set or clear a key's expiry (a personal key, or a key of an identity the caller may change)" })
  async update(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string, @Body(new BodyValidationPipe(UpdateKeyDto)) body: UpdateKeyDto) {
    const id = /^\d{1,10}$/.test(rawId) ? Number(rawId) : NaN;
    if (Number.isNaN(id)) throw new ValidationError([{ field: 'id', code: 'invalid', message: 'id must be a key id' }]);
    return presentKey(await this.keys.setExpiry(principal, id, body.expiresAt === null ? null : new Date(body.expiresAt)));
  }
}
