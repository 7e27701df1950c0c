import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { Observable } from 'rxjs';
import { APIPIE_CHECKSUM } from './apidoc';

export const FOREMAN_VERSION = '3.13.0';

/** Headers Foreman sets on every answer after authentication. */
@Injectable()
export class ForemanHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    reply.header('Foreman_version', FOREMAN_VERSION);
    reply.header('Foreman_api_version', '2');
    reply.header('Foreman_current_organization', '; ANY');
    reply.header('Foreman_current_location', '; ANY');
    reply.header('Apipie-Checksum', APIPIE_CHECKSUM);
    return next.handle();
  }
}
