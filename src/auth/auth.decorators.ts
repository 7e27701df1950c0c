import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Permission } from './permissions';
import { Principal } from './principal';

export const PUBLIC_ROUTE = 'sshid:public';
export const REQUIRED_PERMISSION = 'sshid:permission';

/** No credentials needed; a valid one, when sent, is still resolved (e.g. to lift a rate limit). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The credentials must carry this permission (admins pass); data-level checks stay in the domain services. */
export const RequirePermission = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);

export interface AuthenticatedRequest {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  return request.principal as Principal;
});

export const SESSION_ONLY = 'sshid:session-only';
/**
 * The route acts for a person signed in with a session, never for an API token (managing tokens, organizations,
 * devices); the guard refuses tokens with ForbiddenError 'session_only' and this message.
 */
export const SessionOnly = (message = 'Forbidden') => SetMetadata(SESSION_ONLY, message);
