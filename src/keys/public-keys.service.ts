import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, IsNull, NotBrackets, Repository, WhereExpressionBuilder } from 'typeorm';
import { Permission } from '../auth/permissions';
import { credentialsAllow, Principal, userHolds } from '../auth/principal';
import { ForbiddenError, NotFoundError, ValidationError, Violation } from '../common/domain-errors';
import { Identity } from '../identities/identity.entity';
import { isUniqueViolation } from '../users/users.service';
import { User } from '../users/user.entity';
import { InvalidPublicKeyError, KeyService, ParsedPublicKey } from './key.service';
import { PublicKey } from './public-key.entity';

/** Fields a personal key can be filtered and ordered by. */
export type KeyField = 'id' | 'name' | 'user_id';
export type KeyComparison = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'like' | 'not_like' | 'in' | 'not_in' | 'null' | 'not_null';

/** A filter tree, built by a dialect from its query language and compiled here to parameterised SQL. */
export type KeyFilter =
  | { and: KeyFilter[] }
  | { or: KeyFilter[] }
  | { not: KeyFilter }
  | { field: KeyField; op: KeyComparison; value?: string | number | Array<string | number> };

export interface KeyListQuery {
  filter?: KeyFilter;
  order?: { field: KeyField; direction: 'ASC' | 'DESC' };
  /** null: no limit. */
  limit: number | null;
  offset: number;
}

export interface KeyPage {
  /** All of the user's keys the caller may see. */
  total: number;
  /** Those matching the filter. */
  subtotal: number;
  keys: PublicKey[];
}

const COLUMN: Record<KeyField, string> = { id: 'k.id', name: 'k.name', user_id: 'k.user_id' };

/** A `public_keys` row as PostgreSQL returns it. */
export interface PublicKeyRow {
  id: number;
  user_id: number | null;
  identity_id: number | null;
  name: string | null;
  key_text: string;
  key_type: string;
  bits: number;
  foreman_length: number;
  fingerprint_sha256: string;
  fingerprint_md5: string;
  comment: string | null;
  position: number;
  derived: boolean;
  created_at: Date;
  updated_at: Date;
}

export function publicKeyFromRow(row: PublicKeyRow): Partial<PublicKey> {
  return {
    id: row.id,
    userId: row.user_id,
    identityId: row.identity_id,
    name: row.name,
    keyText: row.key_text,
    keyType: row.key_type,
    bits: row.bits,
    foremanLength: row.foreman_length,
    fingerprintSha256: row.fingerprint_sha256,
    fingerprintMd5: row.fingerprint_md5,
    comment: row.comment,
    position: row.position,
    derived: row.derived,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A user's personal public keys (not attached to an identity), and the keys inside identities. */
@Injectable()
export class PublicKeysService {
  constructor(
    @InjectRepository(PublicKey) private readonly keys: Repository<PublicKey>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly keyService: KeyService,
  ) {}

  async listForUser(principal: Principal, userId: number, query: KeyListQuery): Promise<KeyPage> {
    await this.authorizeForUser(principal, userId, 'ssh_keys.view');
    const base = () => this.keys.createQueryBuilder('k').where('k.user_id = :userId AND k.identity_id IS NULL', { userId });
    const filtered = base();
    if (query.filter) {
      const counter = { n: 0 };
      filtered.andWhere(new Brackets((qb) => compileFilter(qb, query.filter as KeyFilter, counter)));
    }
    if (query.order) {
      const nulls = query.order.field === 'id' ? undefined : query.order.direction === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST';
      filtered.orderBy(COLUMN[query.order.field], query.order.direction, nulls);
    } else {
      filtered.orderBy('k.id', 'ASC');
    }
    if (query.limit !== null) filtered.limit(query.limit).offset(query.offset);
    // One round trip: the window count is taken before LIMIT, so it is the number of matching keys.
    filtered.select('k.*').addSelect('count(*) OVER ()', 'matching');
    const [rows, unfilteredTotal] = await Promise.all([
      filtered.getRawMany<PublicKeyRow & { matching: string }>(),
      query.filter ? base().getCount() : Promise.resolve(null),
    ]);
    // An empty page (past the end, or per_page=0) carries no window count, so it is counted on its own.
    const matching =
      rows.length > 0
        ? Number(rows[0].matching)
        : Number((await filtered.clone().select('count(*)', 'n').orderBy().limit(undefined).offset(undefined).getRawOne())?.n ?? 0);
    const keys = rows.map((row) => Object.assign(new PublicKey(), publicKeyFromRow(row)));
    return { total: unfilteredTotal ?? matching, subtotal: matching, keys };
  }

  /**
   * Finds one of the user's keys the way Foreman does: `3-name` by its leading id, otherwise by exact name,
   * otherwise by the leading integer.
   */
  async findForUser(principal: Principal, userId: number, ref: string, permission: Permission = 'ssh_keys.view'): Promise<PublicKey> {
    await this.authorizeForUser(principal, userId, permission);
    const scope = { userId, identityId: IsNull() };
    let key: PublicKey | null = null;
    const leading = /^(\d+)-/.exec(ref);
    if (leading) key = await this.keys.findOne({ where: { ...scope, id: Number(leading[1]) } });
    if (!key && !leading) {
      key = await this.keys.findOne({ where: { ...scope, name: ref }, order: { id: 'ASC' } });
      const lenient = /^(\d+)/.exec(ref);
      if (!key && lenient && Number(lenient[1]) <= 2147483647) {
        key = await this.keys.findOne({ where: { ...scope, id: Number(lenient[1]) } });
      }
    }
    if (!key) throw new NotFoundError('ssh_key', ref);
    return key;
  }

  /** Adds a personal key, checking every rule and reporting all failures at once, in a stable order. */
  async addForUser(principal: Principal, userId: number, input: { name?: string | null; key?: string | null }): Promise<PublicKey> {
    await this.authorizeForUser(principal, userId, 'ssh_keys.create');
    const name = typeof input.name === 'string' ? input.name.trim() : input.name;
    const text = typeof input.key === 'string' ? input.key.trim() : input.key;
    const violations: Violation[] = [];
    if (typeof name === 'string' && name.length > 255) {
      violations.push({ field: 'name', code: 'too_long', message: 'is too long (maximum is 255 characters)' });
    }
    if (!name) violations.push({ field: 'name', code: 'blank', message: "can't be blank" });

    let parsed: ParsedPublicKey | null = null;
    let fingerprintable = false;
    if (!text) violations.push({ field: 'key', code: 'blank', message: "can't be blank" });
    if (typeof text === 'string') {
      try {
        parsed = this.keyService.parsePublicKey(text);
        fingerprintable = true;
      } catch (error) {
        if (!(error instanceof InvalidPublicKeyError)) throw error;
        violations.push({ field: 'key', code: 'invalid', message: error.message });
        fingerprintable = error.hasKnownTypeToken && error.reason !== 'multiline' && error.reason !== 'empty';
      }
    }
    if (!/^(ssh|ecdsa|sk)-[^\r\n]*$/.test(text ?? '')) {
      violations.push({ field: 'key', code: 'format', message: 'must be in OpenSSH public key format' });
    }
    if (typeof text === 'string' && /[\r\n]/.test(text)) {
      violations.push({ field: 'key', code: 'multiline', message: 'should be a single line' });
    }
    if (parsed && (await this.keys.exist({ where: { userId, identityId: IsNull(), fingerprintSha256: parsed.fingerprintSha256 } }))) {
      violations.push({ field: 'fingerprint', code: 'taken', message: 'has already been taken' });
    }
    if (!fingerprintable) violations.push({ field: 'fingerprint', code: 'missing', message: 'could not be generated' });
    if (!parsed) violations.push({ field: 'length', code: 'missing', message: 'could not be calculated' });
    if (violations.length > 0 || !parsed) throw new ValidationError(violations);

    try {
      return await this.keys.save(this.keys.create({ ...this.columnsOf(parsed, text as string), userId, identityId: null, name: name as string }));
    } catch (error) {
      if (isUniqueViolation(error, 'public_keys_personal_fingerprint')) {
        throw new ValidationError([{ field: 'fingerprint', code: 'taken', message: 'has already been taken' }]);
      }
      throw error;
    }
  }

  async removeForUser(principal: Principal, userId: number, ref: string): Promise<PublicKey> {
    const key = await this.findForUser(principal, userId, ref, 'ssh_keys.delete');
    const result = await this.keys.delete({ id: key.id, userId, identityId: IsNull() });
    if (!result.affected) throw new NotFoundError('ssh_key', ref);
    return key;
  }

  /**
   * Parses the keys sent for an identity, refusing bad and repeated ones with the index of each.
   * `field` names the list in the caller's words (e.g. `sshPublicKeys`).
   */
  parseIdentityKeys(texts: string[], field: string): ParsedPublicKey[] {
    const violations: Violation[] = [];
    const seen = new Map<string, number>();
    const parsed: ParsedPublicKey[] = [];
    texts.forEach((text, index) => {
      try {
        const key = this.keyService.parsePublicKey(text);
        const first = seen.get(key.fingerprintSha256);
        if (first !== undefined) {
          violations.push({ field: `${field}.${index}.key`, code: 'duplicate', message: `repeats key ${first} (same fingerprint)` });
        } else {
          seen.set(key.fingerprintSha256, index);
          parsed.push(key);
        }
      } catch (error) {
        if (!(error instanceof InvalidPublicKeyError)) throw error;
        violations.push({ field: `${field}.${index}.key`, code: error.reason, message: error.message });
      }
    });
    if (violations.length > 0) throw new ValidationError(violations);
    return parsed;
  }

  /** Replaces the listed (non-derived) keys of an identity inside the caller's transaction. */
  async replaceIdentityKeys(manager: EntityManager, identity: Identity, keys: ParsedPublicKey[], texts: string[]): Promise<void> {
    await manager.delete(PublicKey, { identityId: identity.id, derived: false });
    const derived = await manager.find(PublicKey, { where: { identityId: identity.id, derived: true } });
    const rows = keys
      .map((parsed, position) => ({ parsed, position, text: texts[position] }))
      .filter(({ parsed }) => !derived.some((d) => d.fingerprintSha256 === parsed.fingerprintSha256))
      .map(({ parsed, position, text }) =>
        manager.create(PublicKey, { ...this.columnsOf(parsed, text.trim()), identityId: identity.id, userId: identity.ownerUserId, position }),
      );
    if (rows.length > 0) await manager.insert(PublicKey, rows);
  }

  /** Sets (or clears) the public half of the identity's private key. */
  async setDerivedKey(manager: EntityManager, identity: Identity, parsed: ParsedPublicKey | null): Promise<void> {
    await manager.delete(PublicKey, { identityId: identity.id, derived: true });
    if (!parsed) return;
    // A listed key with the same fingerprint becomes the derived one, so the identity keeps one row per key.
    await manager.delete(PublicKey, { identityId: identity.id, fingerprintSha256: parsed.fingerprintSha256 });
    await manager.insert(
      PublicKey,
      manager.create(PublicKey, { ...this.columnsOf(parsed, parsed.openssh), identityId: identity.id, userId: identity.ownerUserId, position: -1, derived: true }),
    );
  }

  private columnsOf(parsed: ParsedPublicKey, text: string): Partial<PublicKey> {
    return {
      keyText: text,
      keyType: parsed.type,
      bits: parsed.bits,
      foremanLength: parsed.foremanLength,
      fingerprintSha256: parsed.fingerprintSha256,
      fingerprintMd5: parsed.fingerprintMd5,
      comment: parsed.comment,
    };
  }

  /**
   * A user may always manage their own keys (within the token's scope); another user's keys need the grant.
   * The target user must exist.
   */
  private async authorizeForUser(principal: Principal, userId: number, permission: Permission): Promise<void> {
    // A token bound to one organization reaches only that organization's data, never personal keys.
    if (principal.token?.organizationId != null) {
      throw new ForbiddenError('token_scope', 'This API token is bound to an organization and cannot reach personal keys', [permission]);
    }
    const self = principal.user.id === userId;
    const allowed = self ? credentialsAllow(principal, permission) : userHolds(principal, permission);
    if (!allowed) {
      throw new ForbiddenError('missing_permission', `Missing one of the required permissions: ${permission}`, [permission]);
    }
    if (!self && !(await this.users.exist({ where: { id: userId } }))) throw new NotFoundError('user', userId);
  }
}

function compileFilter(qb: WhereExpressionBuilder, filter: KeyFilter, counter: { n: number }): void {
  if ('and' in filter || 'or' in filter) {
    const parts = 'and' in filter ? filter.and : filter.or;
    parts.forEach((part, index) => {
      const bracket = new Brackets((inner) => compileFilter(inner, part, counter));
      if (index === 0) qb.where(bracket);
      else if ('and' in filter) qb.andWhere(bracket);
      else qb.orWhere(bracket);
    });
    return;
  }
  if ('not' in filter) {
    qb.where(new NotBrackets((inner) => compileFilter(inner, filter.not, counter)));
    return;
  }
  const column = COLUMN[filter.field];
  const param = `p${counter.n++}`;
  const value = filter.value;
  const text = (sql: string, v?: unknown) => qb.where(sql, v === undefined ? {} : { [param]: v });
  switch (filter.op) {
    case 'null':
      text(`${column} IS NULL`);
      return;
    case 'not_null':
      text(`${column} IS NOT NULL`);
      return;
    case 'like':
      text(`${column} ILIKE :${param}`, likePattern(String(value)));
      return;
    case 'not_like':
      text(`(${column} IS NULL OR ${column} NOT ILIKE :${param})`, likePattern(String(value)));
      return;
    case 'in':
      text(`${column} IN (:...${param})`, value);
      return;
    case 'not_in':
      text(`${column} NOT IN (:...${param})`, value);
      return;
    case '!=':
      text(`(${column} IS NULL OR ${column} <> :${param})`, value);
      return;
    default:
      text(`${column} ${filter.op} :${param}`, value);
  }
}

/** `*` and `%` are wildcards; without one the value matches anywhere (contains). */
function likePattern(value: string): string {
  const escaped = value.replace(/[\\_]/g, '\\$&').replace(/\*/g, '%');
  return escaped.includes('%') ? escaped : `%${escaped}%`;
}

