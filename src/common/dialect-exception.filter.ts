import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { classifyError, DialectErrorPresenter, ErrorResponse } from './error-responder';

/** sshid's own shape, for paths no dialect owns (`/health`, `/api/sshid/...`). */
const sshidPresenter: DialectErrorPresenter = {
  name: 'sshid',
  owns: () => true,
  present(error) {
    const table: Record<string, [number, string]> = {
      not_found: [404, 'Not found'],
      forbidden: [403, 'Forbidden'],
      conflict: [409, 'Conflict'],
      invalid: [400, 'Invalid request'],
      unauthenticated: [401, 'Authentication required'],
      unavailable: [503, 'Service unavailable'],
      route_not_found: [404, 'Route not found'],
      malformed_body: [400, 'The request body is not valid JSON'],
      unsupported_media_type: [415, 'Unsupported media type'],
      payload_too_large: [413, 'The request body is too large'],
      rate_limited: [429, 'Too many requests'],
      internal: [500, 'Internal server error'],
    };
    const [status, fallback] = table[error.kind];
    const message = error instanceof Error ? error.message : fallback;
    const details = 'violations' in error ? { violations: error.violations } : undefined;
    return { status, body: { error: { status, message: status === 500 ? fallback : message, details } } };
  },
};

/**
 * Sends any error in the shape of the dialect that owns the request. Used directly by each dialect's filter,
 * and globally (by path) for errors raised before routing, such as unknown routes or unparsable bodies.
 */
export function sendDialectError(presenter: DialectErrorPresenter, exception: unknown, host: ArgumentsHost): void {
  const classified = classifyError(exception);
  if (classified.kind === 'internal') {
    new Logger('Errors').error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
  }
  const response: ErrorResponse = presenter.present(classified, host);
  const reply = host.switchToHttp().getResponse<FastifyReply>();
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  if (classified.kind === 'rate_limited' && classified.retryAfterSeconds) reply.header('Retry-After', String(Math.max(1, classified.retryAfterSeconds)));
  void reply.status(response.status).send(response.body);
}

export class DialectPresenterRegistry {
  private static readonly presenters: DialectErrorPresenter[] = [];

  static register(presenter: DialectErrorPresenter): void {
    if (!this.presenters.includes(presenter)) this.presenters.push(presenter);
    this.presenters.sort((a, b) => (a.precedence ?? 10) - (b.precedence ?? 10));
  }

  static forRequest(path: string, method: string): DialectErrorPresenter {
    return this.presenters.find((p) => p.owns(path, method)) ?? sshidPresenter;
  }
}

@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const path = (request?.url ?? '').split('?')[0];
    sendDialectError(DialectPresenterRegistry.forRequest(path, request?.method ?? 'GET'), exception, host);
  }
}
