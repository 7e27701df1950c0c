import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { ApiToken } from '../auth/api-token.entity';
import { CurrentPrincipal, Public } from '../auth/auth.decorators';
import { AuthService } from '../auth/auth.service';
import { Principal } from '../auth/principal';
import { clientInfo } from '../auth/request-credentials';
import { BodyValidationPipe } from '../common/body-validation.pipe';
import { SeedService } from '../seeding/seed.service';
import { canonicalPermission } from './permission-names';
import { CreateApiTokenDto, LoginDto } from './sshid-api.dto';

function presentToken(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    description: token.description,
    permissions: token.permissions,
    organizationId: token.organizationId,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

/** sshid's own API: sessions and API tokens for team admins and CI pipelines. */
@Controller('api/sshid/v1')
export class SshidApiController {
  constructor(
    private readonly auth: AuthService,
    private readonly seed: SeedService,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  async login(@Body(new BodyValidationPipe(LoginDto)) body: LoginDto, @Req() request: FastifyRequest) {
    const { token, session } = await this.auth.login(body.login, body.password, clientInfo(request));
    return { token, sessionId: session.id };
  }

  /** Pipelines seed users, organizations, identities and keys in one all-or-nothing call (same format as `sshid seed`). */
  @Post('import')
  @HttpCode(200)
  async import(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.seed.apply(principal, body);
  }

  @Post('tokens')
  @HttpCode(201)
  async createToken(@CurrentPrincipal() principal: Principal, @Body(new BodyValidationPipe(CreateApiTokenDto)) body: CreateApiTokenDto) {
    const { token, record } = await this.auth.createApiToken(principal, {
      name: body.name,
      description: body.description,
      permissions: body.permissions.map(canonicalPermission),
      organizationSlug: body.team,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
    });
    return { ...presentToken(record), token };
  }

  @Get('tokens')
  async listTokens(@CurrentPrincipal() principal: Principal) {
    return (await this.auth.listApiTokens(principal)).map(presentToken);
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  async revokeToken(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    await this.auth.revokeApiToken(principal, id);
  }
}
