import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { DomainError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../common/domain-errors';
import { DialectPresenterRegistry, sendDialectError } from '../common/dialect-exception.filter';
import { DialectErrorPresenter, ErrorResponse, TransportError } from '../common/error-responder';

const NOT_FOUND_MESSAGES: Record<string, string> = {
  api_token: 'API key not found',
  identity: 'Identity does not exist',
  session: 'The provided session does not exist',
  session_token: 'Your session token is invalid',
  user: 'User not found',
  member: 'Member not found in this organization',
  invitation: 'Invitation not found',
  membership: 'You are not a member of this organization',
  device_code: 'Invalid or expired device code',
  organization: 'Organization not found',
};

/** Real HTTP status with `{code, message}`, `code` equal to the status (sshid's decision, see the spec README). */
function nexterm(status: number, message: string): ErrorResponse {
  return { status, body: { code: status, message } };
}

function firstMessage(error: ValidationError): string {
  // Joi names a field's own problem before unknown keys.
  const ordered = [...error.violations].sort((a, b) => Number(a.code === 'whitelistValidation') - Number(b.code === 'whitelistValidation'));
  const violation = ordered[0];
  if (!violation) return 'Invalid request';
  if (violation.code === 'whitelistValidation') return `${violation.field} is not allowed`;
  return violation.message;
}

export const nextermErrorPresenter: DialectErrorPresenter = {
  name: 'nexterm',
  // Every /api path not more specifically another dialect's (the registry asks those first): /api/users is shared.
  owns: (path) => path.startsWith('/api/') && !path.startsWith('/api/sshid/'),
  precedence: 20,

  present(error: DomainError | TransportError, host: ArgumentsHost): ErrorResponse {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const path = (request?.url ?? '').split('?')[0];
    const isLogin = path.endsWith('/auth/login');
    if (error instanceof ValidationError) return nexterm(400, firstMessage(error));
    if (error instanceof UnauthenticatedError) {
      if (isLogin) return nexterm(401, 'Username or password incorrect');
      if (error.reason === 'missing') return nexterm(400, "You need to provide the 'authorization' header");
      if (error.reason === 'malformed') return nexterm(400, "You need to provide the token in the 'authorization' header");
      if (error.reason === 'disabled') return nexterm(401, 'The account associated to the token is not registered');
      return nexterm(401, 'The provided token is not valid');
    }
    if (error instanceof ForbiddenError) {
      if (error.reason === 'token_scope' || error.reason === 'missing_permission') return nexterm(403, 'Forbidden');
      return nexterm(403, error.message);
    }
    if (error instanceof NotFoundError) return nexterm(404, NOT_FOUND_MESSAGES[error.resource] ?? 'Not found');
    if (error instanceof DomainError) {
      if (error.kind === 'conflict') return nexterm(409, error.message);
      if (error.kind === 'unavailable') return nexterm(503, 'The service is temporarily unavailable');
      return nexterm(400, error.message);
    }
    switch (error.kind) {
      case 'malformed_body':
        return nexterm(400, 'The request body is not valid JSON');
      case 'route_not_found':
        return nexterm(404, `Cannot ${request?.method ?? 'GET'} ${path}`);
      case 'unsupported_media_type':
        return nexterm(415, 'Requests must use Content-Type: application/json');
      case 'payload_too_large':
        return nexterm(413, 'The request body is too large');
      case 'rate_limited':
        return nexterm(429, isLogin ? 'Too many authentication attempts. Please try again later.' : 'Too many requests. Please try again later.');
      default:
        return nexterm(500, 'An internal error occurred');
    }
  },
};
DialectPresenterRegistry.register(nextermErrorPresenter);

@Catch()
export class NextermExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendDialectError(nextermErrorPresenter, exception, host);
  }
}
