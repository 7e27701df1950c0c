import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { DomainError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../common/domain-errors';
import { DialectPresenterRegistry, sendDialectError } from '../common/dialect-exception.filter';
import { DialectErrorPresenter, ErrorResponse, TransportError } from '../common/error-responder';
import { HAMMER_LOAD_TIME_RESOURCES } from './apidoc';
import { FOREMAN_PERMISSION_NAMES } from './foreman-permissions';

/**
 * Foreman resources hammer knows of but sshid does not serve: their routes answer Foreman's 404. `/api/users` and
 * `/api/organizations` are shared with Nexterm, which keeps its own errors there.
 */
const UNSERVED_RESOURCE = new RegExp(
  `^/api(/v2)?/(${HAMMER_LOAD_TIME_RESOURCES.filter((r) => r !== 'users' && r !== 'organizations').join('|')})(/|$)`,
);

/** Foreman's attribute messages for the domain's rule codes, and the humanised attribute names. */
const MESSAGES: Record<string, string> = {
  'name.too_long': 'is too long (maximum is 255 characters)',
  'name.blank': "can't be blank",
  'key.blank': "can't be blank",
  'key.invalid': 'is not a valid public ssh key',
  'key.format': 'must be in OpenSSH public key format',
  'key.multiline': 'should be a single line',
  'fingerprint.taken': 'has already been taken',
  'fingerprint.missing': 'could not be generated',
  'length.missing': 'could not be calculated',
};
const ATTRIBUTE_NAMES: Record<string, string> = { name: 'Name', key: 'Key', fingerprint: 'Fingerprint', length: 'Length' };

const wrapped = (status: number, error: Record<string, unknown>): ErrorResponse => ({ status, body: { error } });

export const foremanErrorPresenter: DialectErrorPresenter = {
  name: 'foreman',
  // Its routes sit inside Nexterm's /api prefix: asked before it.
  precedence: 5,
  owns(path, method) {
    if (path.startsWith('/apidoc') || /^\/api(\/v2)?\/status$/.test(path)) return true;
    if (/^\/api(\/v2)?\/users\/[^/]+\/ssh_keys(\/|$)/.test(path)) return true;
    if (UNSERVED_RESOURCE.test(path)) return true;
    // Nexterm manages accounts under /api/users too (list, PUT, PATCH, DELETE); Foreman only reads users.
    return method === 'GET' && /^\/api(\/v2)?\/users(\/[^/]+)?$/.test(path) && path !== '/api/users/list';
  },

  present(error: DomainError | TransportError, host: ArgumentsHost): ErrorResponse {
    const path = (host.switchToHttp().getRequest<FastifyRequest>()?.url ?? '').split('?')[0];
    if (error instanceof UnauthenticatedError) {
      return wrapped(401, {
        message:
          error.reason === 'disabled' ? 'User account is disabled, please contact your administrator' : `Unable to authenticate user ${error.login}`,
      });
    }
    if (error instanceof ForbiddenError) {
      const missing = error.missingPermissions.map((p) => FOREMAN_PERMISSION_NAMES[p] ?? p);
      return wrapped(403, {
        message: 'Access denied',
        details: `Missing one of the required permissions: ${missing.join(', ')}`,
        missing_permissions: missing,
      });
    }
    if (error instanceof NotFoundError) {
      // Taxonomies (organization_id, location_id) have their own wording.
      if (error.resource === 'organization' || error.resource === 'location') {
        const taxonomy = error.resource === 'organization' ? 'Organization' : 'Location';
        return wrapped(404, { message: `${taxonomy} with id ${error.lookup} not found` });
      }
      // Foreman answers 422 when the parent user of a nested resource is missing.
      if (error.resource === 'user' && path.includes('/ssh_keys')) {
        return wrapped(422, { message: `Couldn't find User with 'id'=${error.lookup}` });
      }
      return wrapped(404, { message: `Resource ${error.resource} not found by id '${error.lookup}'` });
    }
    if (error instanceof ValidationError) {
      // Input no field could hold (NUL, invalid Unicode, nesting): a plain 400, before any attribute rule.
      const unreadable = error.violations.find((v) => v.code === 'unstorable' || v.code === 'too_deep');
      if (unreadable) return wrapped(400, { message: unreadable.message });
      const query = error.violations.find((v) => v.field === 'search' || v.field === 'order');
      if (query) return wrapped(400, { message: query.message, class: 'ScopedSearch::QueryNotSupported' });
      const pagination = error.violations.find((v) => v.field === 'page' || v.field === 'per_page');
      if (pagination) return wrapped(400, { message: pagination.message });
      const errors: Record<string, string[]> = {};
      const fullMessages: string[] = [];
      for (const violation of error.violations) {
        const message = MESSAGES[`${violation.field}.${violation.code}`] ?? violation.message;
        (errors[violation.field] ??= []).push(message);
        fullMessages.push(`${ATTRIBUTE_NAMES[violation.field] ?? violation.field} ${message}`);
      }
      return wrapped(422, { id: null, errors, full_messages: fullMessages });
    }
    if (error instanceof DomainError) {
      const status = error.kind === 'conflict' ? 422 : error.kind === 'unavailable' ? 503 : 400;
      return wrapped(status, { message: error.message });
    }
    switch (error.kind) {
      case 'malformed_body':
        return { status: 400, body: { status: 400, error: `There was a problem in the JSON you submitted: ${error.detail}` } };
      case 'unsupported_media_type':
        return wrapped(415, {
          message: `Media type in 'Content-Type: ${error.contentType}' is unsupported in API v2 for POST and PUT requests. Please use 'Content-Type: application/json'.`,
        });
      case 'route_not_found':
        return wrapped(404, { message: `Route ${path} not found` });
      case 'payload_too_large':
        return wrapped(413, { message: 'The request body is too large' });
      case 'rate_limited':
        return wrapped(429, { message: 'Too many requests, please try again in a few minutes.' });
      default:
        return wrapped(500, {
          message:
            "Internal Server Error: the server was unable to finish the request. This may be caused by unavailability of some required service, incorrect API call or a server-side bug. There may be more information in the server's logs.",
        });
    }
  },
};
DialectPresenterRegistry.register(foremanErrorPresenter);

@Catch()
export class ForemanExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendDialectError(foremanErrorPresenter, exception, host);
  }
}
