import { User } from '../users/user.entity';
import { Permission } from './permissions';

/**
 * What every request knows of its caller's account: read with the credential on each request, so it holds what
 * access decisions need and nothing a route would present (a route showing the account reads it by id).
 */
export type PrincipalUser = Pick<User, 'id' | 'login' | 'isAdmin' | 'permissions'>;

/** Who is calling, and with what. Built by the authentication guard, read by every domain service. */
export interface Principal {
  user: PrincipalUser;
  via: 'session' | 'api_token' | 'password';
  sessionId?: string;
  /** Set when the caller authenticated with an API token. */
  token?: { id: string; permissions: Permission[]; organizationId: number | null };
  ip?: string;
  userAgent?: string;
}

/** Whether the credentials allow this action at all (a token's scope; sessions and passwords carry every scope). */
export function credentialsAllow(principal: Principal, permission: Permission): boolean {
  if (!principal.token) return true;
  return principal.token.permissions.includes(permission);
}

/** Whether the user holds a system-wide grant (admins hold all), within what the credentials allow. */
export function userHolds(principal: Principal, permission: Permission): boolean {
  if (!credentialsAllow(principal, permission)) return false;
  return principal.user.isAdmin || principal.user.permissions.includes(permission);
}
