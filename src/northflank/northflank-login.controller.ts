import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { ApiErrors, closedObject, str } from '../docs/schema-helpers';
import { NorthflankExceptionFilter } from './northflank-error.presenter';
import { northflankErrorSchema } from './northflank.openapi';

/**
 * `northflank login -t TOKEN --host URL` (@northflank/cli) checks the token with `GET /v1/login` and saves the
 * context only when the answer is 2xx; any valid API token passes, whatever its permissions.
 */
@Controller()
@UseFilters(NorthflankExceptionFilter)
@ApiTags('login')
@ApiBearerAuth()
@ApiErrors(northflankErrorSchema, { 401: 'Unauthorized', 429: 'Rate limit exceeded', 503: 'Unavailable' })
export class NorthflankLoginController {
  @Get('v1/login')
  @ApiOperation({ summary: 'Verifies an API token (the CLI calls it before saving a login context)' })
  @ApiOkResponse({ schema: closedObject({ data: closedObject({ message: str }) }) })
  login(@CurrentPrincipal() principal: Principal) {
    return { data: { message: `Authenticated as ${principal.user.login}` } };
  }
}
