import { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
import { EntityManager } from 'typeorm';
import { ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../common/domain-errors';
import { isStorableText } from '../common/input-sanity.guard';
import { AppConfig } from '../config/app-config';
import { OrganizationsService } from '../organizations/organizations.service';
import { JWT_SECRET } from '../secrets/secrets.module';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { ApiToken } from './api-token.entity';
import { isPermission, Permission } from './permissions';
import { PasswordLockoutService } from './password-lockout.service';
import { Principal, PrincipalUser } from './principal';
import { CredentialRow, CredentialsRepository, sha256Hex } from './credentials.repository';
import { Session } from './session.entity';
import { VerifiedPasswordCache } from './verified-password-cache';

/** Claims of every sshid bearer token: a session or an API token, named by its row id. */
export interface TokenClaims {
  sub: string;
  typ: 'session' | 'api';
  /** Row id of the session or API token. */
  jti: string;
  /** Northflank's client reads this to tell team tokens from organisation tokens. */
  entityType?: 'team';
}

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

/** Activity timestamps are written at most once a minute per session or token, not on every request. */
const ACTIVITY_RESOLUTION_MS = 60_000;
/** `at` in epoch milliseconds. */
function isStale(at: number): boolean {
  return Date.now() - at > ACTIVITY_RESOLUTION_MS;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    @Inject(JWT_SECRET) private readonly jwtSecret: KeyObject,
    private readonly lockout: PasswordLockoutService,
    private readonly config: AppConfig,
  ) {
    this.verifiedPasswords = new VerifiedPasswordCache(config.SSHID_BASIC_CACHE_SECONDS * 1000);
  }

  private readonly verifiedPasswords: VerifiedPasswordCache;

  /** Checks login and password and opens a session; the token is returned once and only its hash is kept. */
  async login(login: string, password: string, client: ClientInfo): Promise<{ token: string; session: Session; user: User }> {
    const user = await this.checkPassword(login, password, client);
    return { ...(await this.openSession(user, client)), user };
  }

  /**
   * The one place a password is checked: behind the shared lockout, so every route counts against one budget.
   * `known`: the account as the caller already read it.
   */
  private checkPassword(login: string, password: string, client: ClientInfo, known?: { user: User; passwordHash: string | null } | null): Promise<User> {
    return this.lockout.guard(login, client.ip, async () => {
      const user = await this.users.verifyPassword(login, password, known);
      if (!user) throw new UnauthenticatedError('invalid', login);
      if (user.disabled) throw new UnauthenticatedError('disabled', login);
      return user;
    });
  }

  /** Opens a session; inside `tx` when given, so it exists only if that transaction commits. */
  openSession(user: Pick<User, 'id'>, client: ClientInfo, tx?: EntityManager): Promise<{ token: string; session: Session }> {
    return this.credentials.insertSession(
      { userId: user.id, ip: client.ip ?? null, userAgent: client.userAgent ?? null },
      (session) => this.sign({ sub: String(user.id), typ: 'session', jti: session.id }),
      tx,
    );
  }

  /** Revokes the session the token names; false when it is unknown. */
  logout(token: string): Promise<boolean> {
    return this.credentials.deleteSessionByTokenHash(sha256Hex(token));
  }

  listSessions(principal: Principal): Promise<Session[]> {
    return this.credentials.listSessions(principal.user.id);
  }

  async revokeSession(principal: Principal, sessionId: string): Promise<void> {
    if (!(await this.credentials.deleteSession(principal.user.id, sessionId))) throw new NotFoundError('session', sessionId);
  }

  async createApiToken(
    principal: Principal,
    input: { name: string; description?: string | null; permissions: string[]; organizationSlug?: string; expiresAt?: Date | null },
  ): Promise<{ token: string; record: ApiToken }> {
    if (principal.token) throw new ForbiddenError('token_scope', 'API tokens cannot manage API tokens');
    const unknown = input.permissions.filter((p) => !isPermission(p));
    if (unknown.length > 0) {
      throw new ValidationError(unknown.map((p) => ({ field: 'permissions', code: 'unknown', message: `unknown permission "${p}"` })));
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new ValidationError([{ field: 'expiresAt', code: 'past', message: 'Expiration date must be in the future' }]);
    }
    const organizationId = input.organizationSlug
      ? (await this.organizations.access(principal, { slug: input.organizationSlug })).organization.id
      : null;
    return this.credentials.insertApiToken(
      {
        userId: principal.user.id,
        organizationId,
        name: input.name,
        description: input.description ?? null,
        permissions: [...new Set(input.permissions)],
        expiresAt: input.expiresAt ?? null,
      },
      (record) => this.sign({ sub: String(principal.user.id), typ: 'api', jti: record.id, entityType: 'team' }, input.expiresAt ?? undefined),
    );
  }

  listApiTokens(principal: Principal): Promise<ApiToken[]> {
    return this.credentials.listApiTokens(principal.user.id);
  }

  async revokeApiToken(principal: Principal, id: string): Promise<void> {
    if (principal.token) throw new ForbiddenError('token_scope', 'API tokens cannot manage API tokens');
    if (!(await this.credentials.deleteApiToken(principal.user.id, id))) throw new NotFoundError('api_token', id);
  }

  /**
   * Resolves verified bearer-token claims to a principal: the named session or API token must still exist and
   * hold this very token, so deleting the row revokes the token at once.
   */
  async principalFromClaims(claims: TokenClaims, rawToken: string, client: ClientInfo): Promise<Principal> {
    const hash = sha256Hex(rawToken);
    if (claims.typ === 'session') {
      const row = await this.credentials.withUser('sessions', claims.jti);
      if (!row || row.token_hash !== hash) throw new UnauthenticatedError('invalid');
      if (this.sessionIsOver(row)) {
        await this.credentials.expireSession(row.id);
        throw new UnauthenticatedError('expired');
      }
      const user = this.activeUser(row);
      if (isStale(row.last_activity_at) || (client.ip && client.ip !== row.ip)) {
        await this.credentials.touchSession(row.id, client.ip ?? row.ip ?? null);
      }
      return { user, via: 'session', sessionId: row.id, ...client };
    }
    const row = await this.credentials.withUser('api_tokens', claims.jti);
    if (!row || row.token_hash !== hash) throw new UnauthenticatedError('invalid');
    if (row.expires_at !== null && row.expires_at <= Date.now()) throw new UnauthenticatedError('expired');
    const user = this.activeUser(row);
    if (row.last_used_at === null || isStale(row.last_used_at)) {
      void this.credentials.touchApiToken(row.id).catch(() => undefined);
    }
    return {
      user,
      via: 'api_token',
      token: { id: row.id, permissions: row.permissions.filter(isPermission) as Permission[], organizationId: row.organization_id },
      ...client,
    };
  }

  /** HTTP Basic: the secret is tried as one of the user's API tokens first, then as the password. */
  async principalFromBasic(login: string, secret: string, client: ClientInfo): Promise<Principal> {
    if (!login || !secret) throw new UnauthenticatedError('invalid', login);
    // Text PostgreSQL cannot compare (NUL, lone surrogates) names no user and no password.
    if (!isStorableText(login) || !isStorableText(secret)) throw new UnauthenticatedError('invalid', login.replace(/[\u0000\uD800-\uDFFF]/g, ''));
    // A correctly signed API token cannot be guessed, so it skips the lockout (and its round trip).
    const claims = this.verify(secret);
    if (claims?.typ === 'api') {
      const principal = await this.principalFromClaims(claims, secret, client).catch(() => null);
      if (principal && principal.user.login.toLowerCase() === login.toLowerCase()) return principal;
      throw new UnauthenticatedError('invalid', login);
    }
    // A password this instance verified moments ago, against the user's current hash: no argon2id, no lockout
    // round trip (it is not a guess). Anything else is a full check behind the lockout.
    const known = await this.users.findWithPasswordHash(login);
    if (known?.passwordHash && this.verifiedPasswords.holds(login, secret, known.passwordHash)) {
      if (known.user.disabled) throw new UnauthenticatedError('disabled', login);
      return { user: known.user, via: 'password', ...client };
    }
    const check = async () => {
      try {
        const user = await this.checkPassword(login, secret, client, known);
        if (known?.passwordHash) this.verifiedPasswords.remember(login, secret, known.passwordHash);
        return user;
      } catch (error) {
        this.verifiedPasswords.forget(login);
        throw error;
      }
    };
    const user = known?.passwordHash ? await this.verifiedPasswords.once(login, secret, known.passwordHash, check) : await check();
    return { user, via: 'password', ...client };
  }

  /** Idle for longer than SSHID_SESSION_IDLE_MINUTES, or opened more than SSHID_SESSION_MAX_HOURS ago. */
  private sessionIsOver(row: CredentialRow): boolean {
    const now = Date.now();
    return (
      now - row.last_activity_at > this.config.SSHID_SESSION_IDLE_MINUTES * 60_000 ||
      now - row.created_at > this.config.SSHID_SESSION_MAX_HOURS * 3_600_000
    );
  }

  /** Verifies signature and expiry; null when the text is not a valid sshid token. */
  verify(token: string): TokenClaims | null {
    try {
      const claims = jwt.verify(token, this.jwtSecret, { algorithms: ['HS256'] }) as TokenClaims;
      return claims && (claims.typ === 'session' || claims.typ === 'api') && typeof claims.jti === 'string' ? claims : null;
    } catch {
      return null;
    }
  }

  private sign(claims: TokenClaims, expiresAt?: Date): string {
    const options: jwt.SignOptions = { algorithm: 'HS256' };
    if (expiresAt) options.expiresIn = Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    return jwt.sign(claims, this.jwtSecret, options);
  }

  private activeUser(row: CredentialRow): PrincipalUser {
    if (row.u_disabled) throw new UnauthenticatedError('disabled', row.u_login);
    return { id: row.user_id, login: row.u_login, isAdmin: row.u_is_admin, permissions: row.u_permissions };
  }

}
