import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ForbiddenError, UnauthenticatedError } from '../common/domain-errors';
import { ExpiringMap } from '../common/expiring-map';
import { AuthenticatedRequest, PUBLIC_ROUTE, REQUIRED_PERMISSION, SESSION_ONLY } from './auth.decorators';
import * as jwt from 'jsonwebtoken';
import { AuthService, TokenClaims } from './auth.service';
import { Permission } from './permissions';
import { credentialsAllow, Principal } from './principal';
import { authorizationHeader, clientInfo, HeaderRequest, tokenFromAuthorization } from './request-credentials';

class PassportJwtGuard extends AuthGuard('jwt') {
  override handleRequest<T>(error: unknown, principal: T): T {
    // A session lookup that failed (e.g. the database is away) is not a bad token: let it surface as what it is.
    const name = (error as { name?: unknown } | null)?.name;
    if (error && name !== 'JsonWebTokenError' && name !== 'TokenExpiredError' && name !== 'NotBeforeError') throw error;
    if (error || !principal) throw new UnauthenticatedError('invalid');
    return principal;
  }
}

/**
 * Global guard: resolves the caller from `Authorization` (Basic, or a bearer token through passport-jwt),
 * then checks the route's required permission against the credentials.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly jwtGuard = new PassportJwtGuard();
  private readonly verifiedTokens = new VerifiedTokenCache();

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) ?? false;
    const request = context.switchToHttp().getRequest<HeaderRequest & AuthenticatedRequest & { user?: Principal }>();
    let principal: Principal | null;
    try {
      principal = await this.authenticate(request, context);
    } catch (error) {
      if (isPublic) return true;
      throw error;
    }
    if (!principal) {
      if (isPublic) return true;
      throw new UnauthenticatedError('missing');
    }
    request.principal = principal;
    const sessionOnly = this.reflector.getAllAndOverride<string | undefined>(SESSION_ONLY, targets);
    if (sessionOnly !== undefined && principal.token) throw new ForbiddenError('session_only', sessionOnly);
    const required = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);
    if (required && !credentialsAllow(principal, required)) {
      throw new ForbiddenError('token_scope', `Missing one of the required permissions: ${required}`, [required]);
    }
    return true;
  }

  private async authenticate(request: HeaderRequest & { user?: Principal }, context: ExecutionContext): Promise<Principal | null> {
    const header = authorizationHeader(request);
    if (header === undefined) return null;
    const basic = /^Basic ([A-Za-z0-9+/=]*)$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new UnauthenticatedError('malformed', decoded);
      return this.auth.principalFromBasic(decoded.slice(0, colon), decoded.slice(colon + 1), clientInfo(request));
    }
    if (header.split(' ').length !== 2) throw new UnauthenticatedError('malformed');
    const token = tokenFromAuthorization(request);
    // A token whose signature was already verified needs only its row checked (revocation stays immediate).
    const known = token ? this.verifiedTokens.get(token) : undefined;
    if (token && known) return this.auth.principalFromClaims(known, token, clientInfo(request));
    await this.jwtGuard.canActivate(context);
    if (token && request.user) this.verifiedTokens.remember(token);
    return request.user ?? null;
  }
}

/**
 * Bearer tokens whose signature passport-jwt has verified, with their claims, until they expire (at most ten
 * minutes, at most 10,000 tokens): verifying an HMAC signature through passport costs more than the database lookup
 * that follows it on every request.
 */
class VerifiedTokenCache {
  private readonly claims = new ExpiringMap<TokenClaims>(10_000);

  get(token: string): TokenClaims | undefined {
    return this.claims.get(token);
  }

  remember(token: string): void {
    const claims = jwt.decode(token) as (TokenClaims & { exp?: number }) | null;
    if (!claims) return;
    this.claims.set(token, claims, Math.min(Date.now() + 10 * 60_000, claims.exp ? claims.exp * 1000 : Infinity));
  }
}
