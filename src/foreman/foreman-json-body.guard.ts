import { CanActivate, ExecutionContext, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

/**
 * Foreman's API v2 takes JSON only for POST and PUT, and says so (415) before it reads the body. A guard, so the
 * refusal comes after authentication and permission (as in Foreman) and before any body pipe.
 */
@Injectable()
export class ForemanJsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const contentType = context.switchToHttp().getRequest<FastifyRequest>().headers['content-type'];
    if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) throw new UnsupportedMediaTypeException(contentType ?? '');
    return true;
  }
}
