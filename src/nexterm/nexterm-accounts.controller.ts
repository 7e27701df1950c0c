import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequirePermission } from '../auth/auth.decorators';
import { ApiErrors, closedObject, str } from '../docs/schema-helpers';
import {
  accountCreatedSchema,
  accountSchema,
  deviceAuthorizedSchema,
  deviceCreatedSchema,
  deviceInfoSchema,
  devicePollSchema,
  loginSchema,
  messageSchema,
  nextermErrorSchema,
  sessionListSchema,
  userListSchema,
} from './nexterm.openapi';
import { AuthService } from '../auth/auth.service';
import { DeviceCodesService } from '../auth/device-codes.service';
import { Principal } from '../auth/principal';
import { clientInfo } from '../auth/request-credentials';
import { BodyValidationPipe } from '../common/body-validation.pipe';
import { ForbiddenError, NotFoundError, ValidationError } from '../common/domain-errors';
import { ADMIN_GROUP, USER_GROUP } from './nexterm-client-defaults';
import { AppConfig } from '../config/app-config';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { DeviceCodeRateLimitGuard } from './device-rate-limit.guard';
import { NextermExceptionFilter } from './nexterm-error.presenter';
import {
  DeviceCodeDto,
  DeviceCreateDto,
  DevicePollDto,
  LoginDto,
  LogoutDto,
  PasswordDto,
  RegisterDto,
  RoleDto,
} from './nexterm.dto';

const both = (plural: string, singular: string, suffix = '') => [`${plural}${suffix}`, `${singular}${suffix}`];

function presentAccount(user: User) {
  return {
    id: user.id,
    username: user.login,
    totpEnabled: false,
    firstName: user.firstName,
    lastName: user.lastName,
    isAdmin: user.isAdmin,
    permissions: user.isAdmin ? ['users.view', 'users.manage', 'identities.manage', 'organizations.create'] : ['identities.manage', 'organizations.create'],
  };
}

/** `limit` (default 50, at most 1000), `offset` and `search` of the Users page (it sends limit=25&offset=0). */
function parseUserListQuery(query: { limit?: unknown; offset?: unknown; search?: unknown }): { limit: number; offset: number; search?: string } {
  const number = (value: unknown, field: string, fallback: number, min: number) => {
    if (value === undefined || value === '') return fallback;
    if (typeof value !== 'string' || !/^\d{1,9}$/.test(value) || Number(value) < min) {
      throw new ValidationError([{ field, code: 'invalid', message: `"${field}" must be a number greater than or equal to ${min}` }]);
    }
    return Number(value);
  };
  const search = typeof query.search === 'string' && query.search !== '' ? query.search.slice(0, 255) : undefined;
  return { limit: Math.min(number(query.limit, 'limit', 50, 1), 1000), offset: number(query.offset, 'offset', 0, 0), search };
}

function accountId(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new NotFoundError('user', raw);
  return Number(raw);
}

/** Nexterm's service, account, auth, session and user-management routes. */
@Controller()
@UseFilters(NextermExceptionFilter)
@ApiTags('accounts and sessions')
@ApiBearerAuth()
@ApiErrors(nextermErrorSchema, { 413: 'Body too large', 400: 'Invalid body, or missing authorization header', 401: 'Not authenticated', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 429: 'Too many requests', 503: 'Unavailable' })
export class NextermAccountsController {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly devices: DeviceCodesService,
    private readonly config: AppConfig,
  ) {}

  @Get('api/service/is-fts')
  @Public()
  @ApiOkResponse({ schema: { type: 'boolean' } })
  async isFirstTimeSetup(): Promise<boolean> {
    return (await this.users.count()) === 0;
  }

  @Get('api/service/version')
  @Public()
  @ApiOkResponse({ schema: closedObject({ version: str }) })
  version() {
    return { version: '1.2.2-BETA (sshid)' };
  }

  @Post(both('api/accounts', 'api/account', '/register'))
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Register (the first account becomes admin)' })
  @ApiOkResponse({ schema: messageSchema })
  async register(@Body(new BodyValidationPipe(RegisterDto)) body: RegisterDto) {
    await this.users.register(
      { login: body.username, password: body.password, firstName: body.firstName, lastName: body.lastName },
      this.config.SSHID_ALLOW_REGISTRATION,
    );
    return { message: 'Your account has been successfully created.' };
  }

  @Get(both('api/accounts', 'api/account', '/me'))
  @ApiOperation({ summary: 'The signed-in account' })
  @ApiOkResponse({ schema: accountSchema })
  async me(@CurrentPrincipal() principal: Principal) {
    // The principal holds only what access checks need; the account's names are read here.
    return presentAccount(await this.users.getVisible(principal, principal.user.id));
  }

  @Post('api/auth/login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; the token also comes back in the Authorization header' })
  @ApiOkResponse({ schema: loginSchema })
  async login(@Body(new BodyValidationPipe(LoginDto)) body: LoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { token } = await this.auth.login(body.username, body.password, clientInfo(request));
    reply.header('Authorization', token);
    return { token, totpRequired: false, message: 'Your session got successfully created' };
  }

  @Post('api/auth/logout')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log out (revokes the session token at once)' })
  @ApiOkResponse({ schema: messageSchema })
  async logout(@Body(new BodyValidationPipe(LogoutDto)) body: LogoutDto) {
    if (!(await this.auth.logout(body.token))) throw new NotFoundError('session_token', 'token');
    return { message: 'Your session got deleted successfully' };
  }

  @Get(both('api/sessions', 'api/session', '/list'))
  @ApiOkResponse({ schema: sessionListSchema })
  async sessions(@CurrentPrincipal() principal: Principal) {
    const sessions = await this.auth.listSessions(principal);
    return sessions.map((session) => ({
      id: session.id,
      ip: session.ip,
      userAgent: session.userAgent ?? 'None',
      lastActivity: session.lastActivityAt.toISOString(),
      current: session.id === principal.sessionId,
    }));
  }

  @Delete(both('api/sessions', 'api/session', '/:id'))
  @ApiOkResponse({ schema: messageSchema })
  async destroySession(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    await this.auth.revokeSession(principal, id);
    return { message: 'The session has been successfully destroyed' };
  }

  @Post('api/auth/device/create')
  @Public()
  @SkipThrottle()
  @UseGuards(DeviceCodeRateLimitGuard)
  @HttpCode(200)
  @ApiOkResponse({ schema: deviceCreatedSchema })
  async deviceCreate(@Body(new BodyValidationPipe(DeviceCreateDto)) body: DeviceCreateDto, @Req() request: FastifyRequest) {
    const device = await this.devices.create(body.clientType, clientInfo(request));
    return { code: device.code, token: device.token, expiresAt: device.expiresAt.toISOString() };
  }

  @Post('api/auth/device/poll')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ schema: devicePollSchema })
  async devicePoll(@Body(new BodyValidationPipe(DevicePollDto)) body: DevicePollDto) {
    return this.devices.poll(body.token);
  }

  @Post('api/auth/device/info')
  @HttpCode(200)
  @ApiOkResponse({ schema: deviceInfoSchema })
  async deviceInfo(@Body(new BodyValidationPipe(DeviceCodeDto)) body: DeviceCodeDto) {
    const device = await this.devices.info(body.code);
    return { ipAddress: device.ip, userAgent: device.userAgent, clientType: device.clientType, expiresAt: device.expiresAt.toISOString() };
  }

  @Post('api/auth/device/authorize')
  @HttpCode(200)
  @ApiOkResponse({ schema: deviceAuthorizedSchema })
  async deviceAuthorize(@CurrentPrincipal() principal: Principal, @Body(new BodyValidationPipe(DeviceCodeDto)) body: DeviceCodeDto) {
    if (principal.token) throw new ForbiddenError('token_scope', 'API tokens cannot authorize devices');
    const device = await this.devices.authorize(principal, body.code);
    return { message: 'Device authorized successfully', deviceInfo: { ipAddress: device.ip, userAgent: device.userAgent, clientType: device.clientType } };
  }

  // ---- user management (admins: `users.manage`) ----

  @Get('api/users/list')
  @RequirePermission('users.manage')
  @ApiOkResponse({ schema: userListSchema })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiQuery({ name: 'search', required: false, description: 'part of the username, first or last name' })
  async listUsers(@CurrentPrincipal() principal: Principal, @Query() query: { limit?: string; offset?: string; search?: string }) {
    const page = await this.users.listPage(principal, parseUserListQuery(query));
    return {
      users: page.users.map((user) => ({ ...presentAccount(user), role: user.isAdmin ? 'admin' : 'user', groups: [user.isAdmin ? ADMIN_GROUP : USER_GROUP] })),
      total: page.total,
    };
  }

  @Put('api/users')
  @HttpCode(200)
  @RequirePermission('users.manage')
  @ApiOkResponse({ schema: accountCreatedSchema })
  async createUser(@CurrentPrincipal() principal: Principal, @Body(new BodyValidationPipe(RegisterDto)) body: RegisterDto) {
    this.users.requireManager(principal);
    const user = await this.users.create({ login: body.username, password: body.password, firstName: body.firstName, lastName: body.lastName });
    return { message: 'Account got successfully created', id: user.id };
  }

  @Patch('api/users/:accountId/password')
  @RequirePermission('users.manage')
  @ApiOkResponse({ schema: messageSchema })
  async setPassword(@CurrentPrincipal() principal: Principal, @Param('accountId') raw: string, @Body(new BodyValidationPipe(PasswordDto)) body: PasswordDto) {
    await this.users.update(principal, accountId(raw), { password: body.password });
    return { message: 'Password got successfully updated' };
  }

  @Patch('api/users/:accountId/role')
  @RequirePermission('users.manage')
  @ApiOkResponse({ schema: messageSchema })
  async setRole(@CurrentPrincipal() principal: Principal, @Param('accountId') raw: string, @Body(new BodyValidationPipe(RoleDto)) body: RoleDto) {
    const id = accountId(raw);
    if (id === principal.user.id) throw new ForbiddenError('not_owner', 'You cannot change your own role');
    await this.users.update(principal, id, { isAdmin: body.role === 'admin' });
    return { message: 'Role got successfully updated' };
  }

  @Delete('api/users/:accountId')
  @RequirePermission('users.manage')
  @ApiOkResponse({ schema: messageSchema })
  async deleteUser(@CurrentPrincipal() principal: Principal, @Param('accountId') raw: string) {
    await this.users.delete(principal, accountId(raw));
    return { message: 'Account got successfully deleted' };
  }
}
