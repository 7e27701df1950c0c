import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../common/domain-errors';
import { DialectPresenterRegistry, sendDialectError } from '../common/dialect-exception.filter';
import { DialectErrorPresenter, ErrorResponse, TransportError } from '../common/error-responder';
import { northflankPermissionName } from './northflank-permissions';

/** `{error: {status, message, id, details}}` with the real HTTP status; `id` lets support find the log line. */
function nfError(status: number, message: string, details: Record<string, unknown> = {}): ErrorResponse {
  return { status, body: { error: { status, message, id: randomUUID(), details } } };
}

export const northflankErrorPresenter: DialectErrorPresenter = {
  name: 'northflank',
  owns: (path) => path.startsWith('/v1/'),

  present(error: DomainError | TransportError): ErrorResponse {
    if (error instanceof ValidationError) {
      const details: Record<string, string[]> = {};
      for (const violation of error.violations) (details[violation.field] ??= []).push(violation.message);
      return nfError(400, 'Validation failed: the request body or parameters are invalid', details);
    }
    if (error instanceof NotFoundError) return nfError(404, error.resource === 'identity' ? 'SSH identity not found' : 'Not found');
    if (error instanceof ForbiddenError) {
      const missing = error.missingPermissions.map(northflankPermissionName);
      return nfError(403, missing.length ? `Insufficient permissions: requires ${missing.join(', ')}` : error.message, missing.length ? { missingPermissions: missing } : {});
    }
    if (error instanceof DomainError) {
      switch (error.kind) {
        case 'unauthenticated':
          return nfError(401, 'Unauthorized: a valid API token is required');
        case 'conflict':
          return nfError(409, error.message);
        case 'unavailable':
          return nfError(503, 'Service temporarily unavailable, please retry');
        default:
          return nfError(400, error.message);
      }
    }
    switch (error.kind) {
      case 'route_not_found':
        return nfError(404, 'Path not found.');
      case 'malformed_body':
        return nfError(400, 'The request body is not valid JSON');
      case 'unsupported_media_type':
        return nfError(415, 'Requests must use Content-Type: application/json');
      case 'payload_too_large':
        return nfError(413, 'The request body is too large');
      case 'rate_limited':
        return nfError(429, 'Rate limit exceeded, please retry later');
      default:
        return nfError(500, 'Internal server error');
    }
  },
};
DialectPresenterRegistry.register(northflankErrorPresenter);

@Catch()
export class NorthflankExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendDialectError(northflankErrorPresenter, exception, host);
  }
}
