import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiToken } from '../auth/api-token.entity';
import { CurrentPrincipal, SessionOnly } from '../auth/auth.decorators';
import { AuthService } from '../auth/auth.service';
import { PERMISSIONS } from '../auth/permissions';
import { Principal } from '../auth/principal';
import { BodyValidationPipe } from '../common/body-validation.pipe';
import { ApiErrors, arrayOf, closedObject, nullable, str } from '../docs/schema-helpers';
import { NextermExceptionFilter } from './nexterm-error.presenter';
import { messageSchema, nextermErrorSchema } from './nexterm.openapi';
import { CreateApiKeyDto } from './nexterm.dto';

const apiKeySchema = closedObject({ id: str, name: str, prefix: str, lastUsedAt: nullable(str), expiresAt: nullable(str), createdAt: str });

function presentApiKey(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    // Nexterm shows the first characters of the token; sshid keeps only its hash, so the id stands in.
    prefix: `${token.id.slice(0, 8)}…`,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    createdAt: token.createdAt.toISOString(),
  };
}


/**
 * Nexterm's account API keys (Settings → Account) are sshid API tokens: the same list as `/api/sshid/v1/tokens`.
 * A key made here carries every permission, as a Nexterm key acts with its account's full rights.
 */
@Controller('api/accounts/api-keys')
@UseFilters(NextermExceptionFilter)
@ApiTags('api keys')
@ApiBearerAuth()
@ApiErrors(nextermErrorSchema, { 400: 'Invalid name or expiry', 401: 'Not authenticated', 403: 'API keys cannot manage API keys', 404: 'API key not found', 429: 'Too many requests', 503: 'Unavailable' })
export class NextermApiKeysController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @ApiOperation({ summary: "The account's API keys (sshid API tokens), newest first" })
  @ApiOkResponse({ schema: arrayOf(apiKeySchema) })
  @SessionOnly('API keys cannot manage API keys')
  async list(@CurrentPrincipal() principal: Principal) {
    return (await this.auth.listApiTokens(principal)).reverse().map(presentApiKey);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Creates an API key; its token is shown only in this answer' })
  @ApiOkResponse({ schema: closedObject({ ...apiKeySchema.properties, token: str }) })
  @SessionOnly('API keys cannot manage API keys')
  async create(@CurrentPrincipal() principal: Principal, @Body(new BodyValidationPipe(CreateApiKeyDto, { allowUnknown: true })) body: CreateApiKeyDto) {
    const expiresAt = body.expiresAt === undefined || body.expiresAt === null || body.expiresAt === '' ? null : new Date(body.expiresAt);
    const { token, record } = await this.auth.createApiToken(principal, { name: body.name, permissions: [...PERMISSIONS], expiresAt });
    return { ...presentApiKey(record), token };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Deletes (revokes at once) an API key' })
  @ApiOkResponse({ schema: messageSchema })
  @SessionOnly('API keys cannot manage API keys')
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    await this.auth.revokeApiToken(principal, id);
    return { message: 'API key deleted successfully' };
  }
}
