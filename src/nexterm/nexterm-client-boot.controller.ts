import { Controller, Get, Query, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { ValidationError } from '../common/domain-errors';
import { ApiErrors, arrayOf, bool, closedObject, int, nullable, str } from '../docs/schema-helpers';
import { NextermExceptionFilter } from './nexterm-error.presenter';
import { nextermErrorSchema } from './nexterm.openapi';
import { AUDIT_METADATA, DEFAULT_KEYMAPS, permissionCatalog, permissionGroups, permissionGroupSchema } from './nexterm-client-defaults';

const anyArray = arrayOf({ type: 'object' });

/**
 * Routes the current Nexterm web client calls while it boots or opens a page. sshid keeps none of servers, tags,
 * scripts, snippets, keymaps or AI, so each answers what Nexterm answers a brand-new account: empty lists, the
 * default keymaps, AI disabled. Only the internal password login is offered as an authentication provider.
 */
@Controller()
@UseFilters(NextermExceptionFilter)
@ApiTags('client boot')
@ApiBearerAuth()
@ApiErrors(nextermErrorSchema, { 400: 'Missing or malformed authorization header', 401: 'Not authenticated', 403: 'Forbidden', 429: 'Too many requests', 503: 'Unavailable' })
export class NextermClientBootController {
  @Get('api/auth/providers')
  @Public()
  @ApiOperation({ summary: 'Login providers: only the internal one (username and password)' })
  @ApiOkResponse({
    schema: arrayOf(
      closedObject({ id: int, name: str, issuer: nullable(str), clientId: nullable(str), redirectUri: nullable(str), scope: nullable(str), enabled: bool, usernameAttribute: nullable(str), firstNameAttribute: nullable(str), lastNameAttribute: nullable(str), isInternal: bool, allowRegistration: bool }),
    ),
  })
  providers() {
    // The login dialog finds the internal provider with `isInternal` and shows the password form when it is enabled.
    return [
      {
        id: 1,
        name: 'Internal',
        issuer: null,
        clientId: null,
        redirectUri: null,
        scope: null,
        enabled: true,
        usernameAttribute: null,
        firstNameAttribute: null,
        lastNameAttribute: null,
        isInternal: true,
        allowRegistration: false,
      },
    ];
  }

  @Get('api/audit/metadata')
  @ApiOperation({ summary: 'Audit actions, resources and categories sshid records' })
  @ApiOkResponse({
    schema: closedObject({
      actions: arrayOf(closedObject({ key: str, value: str, category: str, label: str })),
      resources: arrayOf(closedObject({ key: str, value: str, label: str })),
      actionCategories: arrayOf(closedObject({ key: str, label: str, description: str })),
    }),
  })
  auditMetadata() {
    return AUDIT_METADATA;
  }

  @Get('api/permissions/catalog')
  @ApiOperation({ summary: "sshid's permissions, in Nexterm's catalog shape" })
  @ApiOkResponse({ schema: { type: 'object', properties: { system: { type: 'object' }, organization: { type: 'object' } }, required: ['system', 'organization'] } })
  catalog() {
    return permissionCatalog();
  }

  @Get('api/permissions/groups')
  @ApiOperation({ summary: "sshid's two built-in roles: administrators and users" })
  @ApiOkResponse({ schema: arrayOf(permissionGroupSchema) })
  groups() {
    return permissionGroups();
  }

  @Get('api/keymaps')
  @ApiOperation({ summary: "Nexterm's default keyboard shortcuts (sshid stores none)" })
  @ApiOkResponse({ schema: arrayOf(closedObject({ id: int, accountId: int, action: str, key: str, enabled: bool })) })
  keymaps(@CurrentPrincipal() principal: Principal) {
    return DEFAULT_KEYMAPS.map((keymap, index) => ({ id: index + 1, accountId: principal.user.id, ...keymap, enabled: true }));
  }

  @Get('api/ai')
  @ApiOperation({ summary: 'AI assistant settings: disabled (sshid has no AI integration)' })
  @ApiOkResponse({
    schema: closedObject({ id: int, enabled: bool, provider: nullable(str), model: nullable(str), apiUrl: nullable(str), authMethod: str, requireConfirmation: bool, isConfigured: bool, hasApiKey: bool, subscriptionConnected: bool, subscriptionProvider: nullable(str) }),
  })
  ai() {
    return {
      id: 1,
      enabled: false,
      provider: null,
      model: null,
      apiUrl: null,
      authMethod: 'api_key',
      requireConfirmation: true,
      isConfigured: false,
      hasApiKey: false,
      subscriptionConnected: false,
      subscriptionProvider: null,
    };
  }

  @Get(['api/tags/list', 'api/scripts', 'api/scripts/all', 'api/scripts/sources', 'api/snippets/all', 'api/snippets/sources', 'api/entries/list', 'api/accounts/passkeys'])
  @ApiOperation({ summary: 'Servers, tags, scripts, snippets and passkeys: sshid keeps none, so the list is empty' })
  @ApiOkResponse({ schema: anyArray })
  empty(): unknown[] {
    return [];
  }

  @Get('api/entries/recent')
  @ApiOperation({ summary: 'Recent connections: none (sshid keeps no servers)' })
  @ApiOkResponse({ schema: anyArray })
  @ApiErrors(nextermErrorSchema, { 400: 'limit must be a positive number' })
  recent(@Query('limit') limit?: string): unknown[] {
    if (limit !== undefined && !/^\d{1,6}$/.test(limit)) {
      throw new ValidationError([{ field: 'limit', code: 'invalid', message: '"limit" must be a positive number' }]);
    }
    return [];
  }

  @Get('api/accounts/totp/secret')
  @ApiOperation({ summary: 'Two-factor authentication is not offered by sshid' })
  @ApiErrors(nextermErrorSchema, { 400: 'Two-factor authentication is not available' })
  totpSecret(): never {
    throw new ValidationError([{ field: 'totp', code: 'unsupported', message: 'Two-factor authentication is not available on this server' }]);
  }
}
