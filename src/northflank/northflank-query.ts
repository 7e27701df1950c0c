import { ValidationError, Violation } from '../common/domain-errors';
import { defaultIdentityScope, IdentityScope } from '../identities/identities.service';
import { Principal } from '../auth/principal';
import { IDENTITY_ID_PATTERN } from './ssh-identity.dto';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;

/** Cursors are base64url without padding, safe in a query string the js-client does not encode. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

export function parseListQuery(query: { per_page?: string; page?: string; cursor?: string }): { limit: number; offset: number } {
  const violations: Violation[] = [];
  const integer = (raw: string | undefined, field: string, min: number, max: number, fallback: number) => {
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      violations.push({ field, code: 'range', message: `${field} must be an integer from ${min} to ${max}` });
      return fallback;
    }
    return value;
  };
  const limit = integer(query.per_page, 'per_page', 1, MAX_PER_PAGE, DEFAULT_PER_PAGE);
  const page = integer(query.page, 'page', 1, 1_000_000, 1);
  let offset = (page - 1) * limit;
  if (query.cursor !== undefined && query.cursor !== '') {
    const decoded = decodeCursor(query.cursor);
    if (decoded === null) violations.push({ field: 'cursor', code: 'invalid', message: 'cursor is not one this server issued' });
    else offset = decoded;
  }
  if (violations.length > 0) throw new ValidationError(violations);
  return { limit, offset };
}

export function parseIdentityId(raw: string): string {
  if (raw.length < 3 || raw.length > 39 || !IDENTITY_ID_PATTERN.test(raw)) {
    throw new ValidationError([{ field: 'identityId', code: 'pattern', message: `identityId must be 3 to 39 characters matching ${IDENTITY_ID_PATTERN}` }]);
  }
  return raw.toLowerCase();
}

/**
 * The account path acts on the caller's own identities, or on the team an API token is bound to;
 * the team path names the team.
 */
export function scopeFor(principal: Principal, teamId?: string): IdentityScope {
  if (teamId !== undefined) {
    if (!/^[A-Za-z0-9-]+$/.test(teamId)) {
      throw new ValidationError([{ field: 'teamId', code: 'pattern', message: 'teamId must match ^[A-Za-z0-9-]+$' }]);
    }
    return { kind: 'organization', slug: teamId };
  }
  return defaultIdentityScope(principal);
}
