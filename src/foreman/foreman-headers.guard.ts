import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { APIPIE_CHECKSUM } from './apidoc';

export const FOREMAN_VERSION = '3.13.0';

/**
 * Headers Foreman sets on every answer after authentication. A guard rather than an interceptor: it only acts
 * before the handler, and an interceptor would wrap every request in an observable for nothing.
 */
@Injectable()
export class ForemanHeadersGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    reply.header('Foreman_version', FOREMAN_VERSION);
    reply.header('Foreman_api_version', '2');
    reply.header('Foreman_current_organization', '; ANY');
    reply.header('Foreman_current_location', '; ANY');
    reply.header('Apipie-Checksum', APIPIE_CHECKSUM);
    return true;
  }
}
