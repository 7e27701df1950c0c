import { KeyLookup } from '../keys/public-keys.repository';
import { NotFoundError, ValidationError } from '../common/domain-errors';

export const FOREMAN_DEFAULT_PER_PAGE = 20;

/** `5`, `5-login` and Rails' lenient `5abc` all name user 5; anything else names no user. */
export function parseUserRef(raw: string): number {
  const match = /^(\d+)/.exec(raw);
  const id = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(id) || id > 2147483647) throw new NotFoundError('user', raw);
  return id;
}

export interface ForemanPaging {
  page: number;
  /** null for `per_page=all`. */
  perPage: number | null;
}

/**
 * Foreman's page and per_page. Where Foreman itself fails with a 500 (page 0, negative or non-numeric page,
 * negative per_page) sshid answers 400 with a clear message; non-numeric per_page gives an empty page, as in Foreman.
 */
export function parseForemanPaging(page: string | undefined, perPage: string | undefined): ForemanPaging {
  let pageNumber = 1;
  if (page !== undefined) {
    if (!/^\d+$/.test(page) || Number(page) < 1 || !Number.isSafeInteger(Number(page))) {
      throw new ValidationError([{ field: 'page', code: 'invalid', message: `invalid page: '${page}' (page must be a positive integer)` }]);
    }
    pageNumber = Number(page);
  }
  if (perPage === undefined || perPage === '') return { page: pageNumber, perPage: FOREMAN_DEFAULT_PER_PAGE };
  if (perPage === 'all') return { page: pageNumber, perPage: null };
  if (/^-\d+$/.test(perPage.trim())) {
    throw new ValidationError([{ field: 'per_page', code: 'invalid', message: `invalid per_page: '${perPage}' (must be a positive integer or 'all')` }]);
  }
  const leading = /^\s*(\d+)/.exec(perPage);
  const size = leading ? Math.min(Number(leading[1]), 100000) : 0;
  return { page: pageNumber, perPage: size };
}

/**
 * How Foreman finds a key from its `:id`: `3-name` by the leading id only; otherwise by exact name, then by the
 * leading integer (`3` or `3abc`) when it fits a database id.
 */
export function sshKeyLookups(ref: string): KeyLookup[] {
  const leading = /^(\d+)-/.exec(ref);
  if (leading) return [{ id: Number(leading[1]) }];
  const lookups: KeyLookup[] = [{ name: ref }];
  const lenient = /^(\d+)/.exec(ref);
  if (lenient && Number(lenient[1]) <= 2147483647) lookups.push({ id: Number(lenient[1]) });
  return lookups;
}
