/**
 * Errors the domain throws. Each dialect's exception filter maps them to its own status codes and JSON shape;
 * nothing here knows what a response looks like.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'unauthenticated' | 'unavailable';
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  constructor(
    readonly resource: string,
    readonly lookup: string | number,
  ) {
    super(`${resource} ${lookup} not found`);
  }
}

export type ForbiddenReason =
  | 'missing_permission'
  | 'not_owner'
  | 'not_member'
  | 'cannot_manage_identities'
  | 'owner_cannot_leave'
  | 'cannot_remove_owner'
  | 'registration_closed'
  | 'token_scope'
  // The action needs a signed-in session; the dialect words it.
  | 'session_only';

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(
    readonly reason: ForbiddenReason,
    message: string,
    readonly missingPermissions: string[] = [],
  ) {
    super(message);
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(
    readonly reason: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** One failed rule: `field` is the domain's field name, `code` a stable rule id dialects can translate. */
export interface Violation {
  field: string;
  code: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  constructor(readonly violations: Violation[]) {
    super(violations.map((v) => `${v.field}: ${v.message}`).join('; '));
  }
}

export type UnauthenticatedReason = 'missing' | 'malformed' | 'invalid' | 'disabled' | 'expired';

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
  constructor(
    readonly reason: UnauthenticatedReason,
    readonly login: string = '',
  ) {
    super(`authentication failed (${reason})`);
  }
}

/** The database (or another dependency) cannot answer right now. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(message = 'the service is temporarily unavailable') {
    super(message);
  }
}

/**
 * Too many attempts (failed passwords, device codes): refused before any credential is looked at. Not a domain
 * error kind of its own: every dialect already words its 429, and `retryAfterSeconds` becomes `Retry-After`.
 */
export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many attempts');
  }
}
