import { KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { UnauthenticatedError } from '../common/domain-errors';
import { JWT_SECRET } from '../secrets/secrets.module';
import { AuthService, TokenClaims } from './auth.service';
import { clientInfo, tokenFromAuthorization, HeaderRequest } from './request-credentials';

/** Bearer tokens: passport-jwt checks signature and expiry, then the session or token row must still exist. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly auth: AuthService,
    @Inject(JWT_SECRET) secret: KeyObject,
  ) {
    super({
      jwtFromRequest: (request: HeaderRequest) => tokenFromAuthorization(request),
      // passport-jwt hands the key to jsonwebtoken, which takes a KeyObject; its typings only list string | Buffer.
      secretOrKey: secret as unknown as Buffer,
      algorithms: ['HS256'],
      passReqToCallback: true,
    });
  }

  async validate(request: HeaderRequest, claims: TokenClaims) {
    const token = tokenFromAuthorization(request);
    if (!token || (claims.typ !== 'session' && claims.typ !== 'api')) throw new UnauthenticatedError('invalid');
    return this.auth.principalFromClaims(claims, token, clientInfo(request));
  }
}
