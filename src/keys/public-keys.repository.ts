import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, IsNull, NotBrackets, WhereExpressionBuilder } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';
import { PreparedQueries } from '../database/prepared-queries';
import { epochMs, fromEpochMs } from '../database/sql-time';
import { User } from '../users/user.entity';
import { PublicKey } from './public-key.entity';

/** Fields a personal key can be filtered and ordered by. */
export type KeyField = 'id' | 'name' | 'user_id';
/** `like`/`not_like` take an ILIKE pattern (`%` and `_` wildcards, `\` escapes), built by the caller. */
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
  /** All of the user's personal keys. */
  total: number;
  /** Those matching the filter. */
  subtotal: number;
  keys: PublicKey[];
}

/** One way to name a personal key: by id or by exact name. */
export type KeyLookup = { id: number } | { name: string };

/**
 * What a personal key is read with: what it is presented with (not its MD5 fingerprint, comment or position), the
 * timestamps as epoch milliseconds (database/sql-time.ts).
 */
const PERSONAL_KEY_COLUMNS = `k.id, k.user_id, k.name, k.key_text, k.key_type, k.bits, k.fingerprint_sha256,
  ${epochMs('k.expires_at')} AS expires_at, ${epochMs('k.last_used_at')} AS last_used_at, ${epochMs('k.created_at')} AS created_at, ${epochMs('k.updated_at')} AS updated_at`;

/** A personal key as PERSONAL_KEY_COLUMNS reads it. */
interface PersonalKeyRow {
  id: number;
  user_id: number;
  name: string | null;
  key_text: string;
  key_type: string;
  bits: number;
  fingerprint_sha256: string;
  expires_at: number | null;
  last_used_at: number | null;
  created_at: number;
  updated_at: number;
}

function personalKeyFromRow(row: PersonalKeyRow): PublicKey {
  return Object.assign(new PublicKey(), {
    id: row.id,
    userId: row.user_id,
    identityId: null,
    name: row.name,
    keyText: row.key_text,
    keyType: row.key_type,
    bits: row.bits,
    fingerprintSha256: row.fingerprint_sha256,
    expiresAt: fromEpochMs(row.expires_at),
    lastUsedAt: fromEpochMs(row.last_used_at),
    createdAt: fromEpochMs(row.created_at),
    updatedAt: fromEpochMs(row.updated_at),
  });
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
  fingerprint_sha256: string;
  fingerprint_md5: string;
  comment: string | null;
  position: number;
  derived: boolean;
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Every query on public keys; personal-key methods take the owning user's id. */
@Injectable()
export class PublicKeysRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly prepared: PreparedQueries,
  ) {}

  /** A page of a user's personal keys: filtered, ordered, with the matching count from the same statement. */
  @GenerateSql(
    { name: 'no search: one page (hammer, CI)', params: (f) => [f.userId, { limit: 20, offset: 0 }] },
    { name: 'no search, ordered by name, no limit', params: (f) => [f.userId, { order: { field: 'name', direction: 'DESC' }, limit: null, offset: 0 }] },
    {
      name: 'a search (name ~ "lap%" or id in 1, 2) past the end',
      params: (f) => [f.userId, { filter: { or: [{ field: 'name', op: 'like', value: 'lap%' }, { field: 'id', op: 'in', value: [1, 2] }] }, limit: 20, offset: 100 }],
    },
  )
  async listPersonal(userId: number, query: KeyListQuery): Promise<KeyPage> {
    if (!query.filter) return this.listPersonalUnfiltered(userId, query);
    const base = () => this.dataSource.getRepository(PublicKey).createQueryBuilder('k').where('k.user_id = :userId AND k.identity_id IS NULL', { userId });
    const filter = query.filter;
    const filtered = base().andWhere(new Brackets((qb) => compileFilter(qb, filter, { n: 0 })));
    if (query.order) filtered.orderBy(COLUMN[query.order.field], query.order.direction, nullsPlacement(query.order));
    else filtered.orderBy('k.id', 'ASC');
    if (query.limit !== null) filtered.limit(query.limit).offset(query.offset);
    // One round trip: the window count is taken before LIMIT, so it is the number of matching keys.
    filtered.select(PERSONAL_KEY_COLUMNS).addSelect('count(*) OVER ()', 'matching');
    const [rows, total] = await Promise.all([filtered.getRawMany<PersonalKeyRow & { matching: string }>(), base().getCount()]);
    // An empty page (past the end, or per_page=0) carries no window count, so it is counted on its own.
    const matching =
      rows.length > 0
        ? Number(rows[0].matching)
        : Number((await filtered.clone().select('count(*)', 'n').orderBy().limit(undefined).offset(undefined).getRawOne())?.n ?? 0);
    return { total, subtotal: matching, keys: rows.map(personalKeyFromRow) };
  }

  /**
   * The common case (no search: every hammer and CI listing) as one plain statement: the query builder costs more
   * CPU than the query itself here.
   */
  private async listPersonalUnfiltered(userId: number, query: KeyListQuery): Promise<KeyPage> {
    const nulls = query.order && nullsPlacement(query.order);
    const order = query.order ? `${COLUMN[query.order.field]} ${query.order.direction}${nulls ? ` ${nulls}` : ''}` : 'k.id ASC';
    const paging = query.limit !== null ? ' LIMIT $2 OFFSET $3' : '';
    const params = query.limit !== null ? [userId, query.limit, query.offset] : [userId];
    // The count is a scalar subquery (an index scan), not a window over the rows: a window would read every key
    // of the user, text included, to return one page.
    const rows = await this.prepared.rows<PersonalKeyRow & { matching: string }>(
      `SELECT ${PERSONAL_KEY_COLUMNS}, (SELECT count(*) FROM public_keys c WHERE c.user_id = $1 AND c.identity_id IS NULL) AS matching
         FROM public_keys k WHERE k.user_id = $1 AND k.identity_id IS NULL ORDER BY ${order}${paging}`,
      params,
    );
    const matching =
      rows.length > 0
        ? Number(rows[0].matching)
        : Number((await this.prepared.rows<{ n: string }>(`SELECT count(*) AS n FROM public_keys k WHERE k.user_id = $1 AND k.identity_id IS NULL`, [userId]))[0].n);
    return { total: matching, subtotal: matching, keys: rows.map(personalKeyFromRow) };
  }

  /** The first of the lookups that names one of the user's personal keys (the lowest id among equal names). */
  @GenerateSql({ name: 'by name, then by id', params: (f) => [f.userId, [{ name: 'missing' }, { id: 0 }]] })
  async findPersonal(userId: number, lookups: KeyLookup[]): Promise<PublicKey | null> {
    const repository = this.dataSource.getRepository(PublicKey);
    for (const lookup of lookups) {
      const key = await repository.findOne({ where: { userId, identityId: IsNull(), ...lookup }, order: { id: 'ASC' } });
      if (key) return key;
    }
    return null;
  }

  @GenerateSql({ name: 'a fingerprint', params: (f) => [f.userId, f.fingerprint] })
  personalFingerprintTaken(userId: number, fingerprintSha256: string): Promise<boolean> {
    return this.dataSource.getRepository(PublicKey).exist({ where: { userId, identityId: IsNull(), fingerprintSha256 } });
  }

  /** One INSERT … RETURNING (the ORM's save would read the row back in a second statement). */
  @GenerateSql({ name: 'a key', params: (f) => [{ userId: f.userId, name: 'sql', ...f.newKey }] })
  async insertPersonal(key: Partial<PublicKey>): Promise<PublicKey> {
    const rows: PersonalKeyRow[] = await this.dataSource.query(
      `INSERT INTO public_keys AS k (user_id, identity_id, name, key_text, key_type, bits, fingerprint_sha256, fingerprint_md5, comment, expires_at)
       VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${PERSONAL_KEY_COLUMNS}`,
      [key.userId, key.name, key.keyText, key.keyType, key.bits, key.fingerprintSha256, key.fingerprintMd5, key.comment ?? null, key.expiresAt ?? null],
    );
    return personalKeyFromRow(rows[0]);
  }

  @GenerateSql({ name: "one of the user's keys", params: (f) => [f.userId, 0] })
  async deletePersonal(userId: number, id: number): Promise<boolean> {
    const result = await this.dataSource.getRepository(PublicKey).delete({ id, userId, identityId: IsNull() });
    return (result.affected ?? 0) > 0;
  }

  /** Any key by id, with the identity it belongs to (if any); the caller decides whether it may be touched. */
  @GenerateSql({ name: 'with its identity', params: (f) => [f.keyId] })
  findById(id: number): Promise<PublicKey | null> {
    return this.dataSource.getRepository(PublicKey).findOne({ where: { id }, relations: { identity: true } });
  }

  @GenerateSql({ name: 'a date', params: (f) => [f.keyId, new Date('2030-01-01T00:00:00Z')] })
  async setExpiry(id: number, expiresAt: Date | null): Promise<PublicKey> {
    await this.dataSource.getRepository(PublicKey).update({ id }, { expiresAt });
    return (await this.dataSource.getRepository(PublicKey).findOne({ where: { id } })) as PublicKey;
  }

  @GenerateSql({ name: 'by id', params: (f) => [f.userId] })
  userExists(userId: number): Promise<boolean> {
    return this.dataSource.getRepository(User).exist({ where: { id: userId } });
  }

  /** Replaces an identity's listed keys (keeping the derived one; a listed copy of it is dropped). */
  @GenerateSql({ name: 'one key', params: (f) => [f.transaction, f.identityId, [{ ...f.newKey, position: 0 }]] })
  async replaceIdentityKeys(tx: EntityManager, identityId: number, rows: Partial<PublicKey>[]): Promise<void> {
    await tx.delete(PublicKey, { identityId, derived: false });
    const derived = await tx.find(PublicKey, { where: { identityId, derived: true } });
    const kept = rows.filter((row) => !derived.some((d) => d.fingerprintSha256 === row.fingerprintSha256));
    if (kept.length > 0) await tx.insert(PublicKey, kept.map((row) => tx.create(PublicKey, { ...row, identityId })));
  }

  /** Sets (or clears) the identity's derived key; a listed key with the same fingerprint becomes that one. */
  @GenerateSql({ name: 'a derived key', params: (f) => [f.transaction, f.identityId, f.newKey] })
  async setDerivedKey(tx: EntityManager, identityId: number, row: Partial<PublicKey> | null): Promise<void> {
    await tx.delete(PublicKey, { identityId, derived: true });
    if (!row) return;
    await tx.delete(PublicKey, { identityId, fingerprintSha256: row.fingerprintSha256 });
    await tx.insert(PublicKey, tx.create(PublicKey, { ...row, identityId, position: -1, derived: true }));
  }
}

/** Ids are never null; nullable columns put nulls first ascending and last descending, in both list paths. */
function nullsPlacement(order: NonNullable<KeyListQuery['order']>): 'NULLS FIRST' | 'NULLS LAST' | undefined {
  if (order.field === 'id') return undefined;
  return order.direction === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST';
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
      text(`${column} ILIKE :${param}`, String(value));
      return;
    case 'not_like':
      text(`(${column} IS NULL OR ${column} NOT ILIKE :${param})`, String(value));
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
