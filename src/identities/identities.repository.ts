import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';
import { PreparedQueries } from '../database/prepared-queries';
import { epochMs, fromEpochMs } from '../database/sql-time';
import { PublicKey } from '../keys/public-key.entity';
import { PublicKeyRow } from '../keys/public-keys.repository';
import { Identity, IdentityRestrictions, IdentityType } from './identity.entity';

/** Whose identities a query may touch: exactly one of the two is set. */
export interface IdentityOwner {
  ownerUserId: number | null;
  organizationId: number | null;
}

/** Where a key may be used: the target a restriction match is asked about. */
export interface UseTarget {
  project?: string;
  tags: string[];
}

/** An identity row as read for showing (SHOWN_COLUMNS). */
interface IdentityRow {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  type: IdentityType;
  owner_user_id: number | null;
  organization_id: number | null;
  restrictions: IdentityRestrictions;
  created_at: number;
  updated_at: number;
  keys: Array<Pick<PublicKeyRow, 'key_text' | 'key_type' | 'fingerprint_sha256'>>;
}

/**
 * Every query on identities. Each method takes the owner it may touch, so no caller can forget the scope; the hot
 * reads (lists and gets, with their keys) are one raw statement each, mapped without the ORM.
 */
@Injectable()
export class IdentitiesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly prepared: PreparedQueries,
  ) {}

  /**
   * One page of an owner's identities as shown (see SHOWN_COLUMNS), and whether more follow: one row past the page
   * is read to know, so nothing counts the owner's identities.
   */
  @GenerateSql(
    { name: "a user's page", params: (f) => [{ ownerUserId: f.userId, organizationId: null }, { limit: 20, offset: 0 }] },
    { name: "an organization's page", params: (f) => [{ ownerUserId: null, organizationId: f.organizationId }, { limit: 20, offset: 100 }] },
  )
  async listOwned(owner: IdentityOwner, page: { limit: number; offset: number }): Promise<{ identities: Identity[]; hasMore: boolean }> {
    const rows = await this.read(ownerCondition(owner), { limit: page.limit + 1, offset: page.offset });
    return { identities: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
  }

  async findOwnedBySlug(owner: IdentityOwner, slug: string): Promise<Identity | null> {
    const [identity] = await this.read(ownerCondition(owner, 'i.slug = $2', [slug.toLowerCase()]));
    return identity ?? null;
  }

  /**
   * A user's personal identities, then those of every organization they are an active member of (or only the
   * organization a token is bound to, while the user is still an active member there). One statement, so the
   * memberships and the identities come from the same snapshot. Only the list's fields are read (no keys).
   */
  @GenerateSql({ name: 'any credentials', params: (f) => [f.userId, null] }, { name: 'credentials bound to an organization', params: (f) => [f.userId, f.organizationId] })
  async listVisibleTo(userId: number, boundOrganizationId: number | null): Promise<Identity[]> {
    const where = visibleIdentities('$1', boundOrganizationId !== null ? '$2' : null);
    // The columns an identity list shows (no secrets, restrictions or timestamps): this list is the client's home page.
    const rows = await this.prepared.rows<Pick<IdentityRow, 'id' | 'slug' | 'name' | 'type' | 'owner_user_id' | 'organization_id'> & { username: string | null }>(
      `SELECT i.id, i.slug, i.name, i.username, i.type, i.owner_user_id, i.organization_id FROM identities i
        WHERE ${where} ORDER BY i.organization_id IS NOT NULL, i.id`,
      boundOrganizationId !== null ? [userId, boundOrganizationId] : [userId],
    );
    return rows.map((row) =>
      Object.assign(new Identity(), {
        id: row.id,
        slug: row.slug,
        name: row.name,
        username: row.username,
        type: row.type,
        ownerUserId: row.owner_user_id,
        organizationId: row.organization_id,
      }),
    );
  }

  /** The owner's identity at `slug`, row-locked for the rest of the transaction. */
  @GenerateSql({ name: 'in a transaction', params: (f) => [f.transaction, { ownerUserId: f.userId, organizationId: null }, f.identitySlug] })
  lockOwnedBySlug(tx: EntityManager, owner: IdentityOwner, slug: string): Promise<Identity | null> {
    return ownedQuery(tx, owner).andWhere('i.slug = :slug', { slug }).setLock('pessimistic_write').getOne();
  }

  /** Any identity by id, row-locked: the caller decides whether it may be touched (see the access rules). */
  @GenerateSql({ name: 'in a transaction', params: (f) => [f.transaction, f.identityId] })
  lockById(tx: EntityManager, id: number): Promise<Identity | null> {
    return tx.getRepository(Identity).createQueryBuilder('i').where('i.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  @GenerateSql({ name: 'in a transaction', params: (f) => [f.transaction, f.organizationId, f.identitySlug] })
  slugTakenInOrganization(tx: EntityManager, organizationId: number, slug: string): Promise<boolean> {
    return tx.getRepository(Identity).exist({ where: { organizationId, slug } });
  }

  /** Hands a personal identity to an organization; its keys stop belonging to the former owner personally. */
  @GenerateSql({ name: 'in a transaction', params: (f) => [f.transaction, f.identityId, f.organizationId, 'moved'] })
  async moveToOrganization(tx: EntityManager, id: number, organizationId: number, slug: string): Promise<void> {
    await tx.update(Identity, { id }, { ownerUserId: null, organizationId, slug });
    await tx.update(PublicKey, { identityId: id }, { userId: null });
  }

  /**
   * The owner's identities holding the key with this fingerprint whose restrictions let it reach `target`: one
   * query over the fingerprint index, the restriction rules (project list; tags with `and`/`or`) evaluated in SQL.
   */
  @GenerateSql({ name: 'a project and tags', params: (f) => [{ ownerUserId: f.userId, organizationId: null }, f.fingerprint, { project: 'web', tags: ['prod'] }] })
  async matchByFingerprint(owner: IdentityOwner, fingerprint: string, target: UseTarget): Promise<Identity[]> {
    const identities = await ownedQuery(this.dataSource.manager, owner)
      .innerJoin(PublicKey, 'k', 'k.identity_id = i.id AND k.fingerprint_sha256 = :fingerprint', { fingerprint })
      .andWhere(RESTRICTIONS_ALLOW, { project: target.project ?? null, tags: target.tags })
      .orderBy('i.id', 'ASC')
      .getMany();
    await this.attachKeys(identities);
    return identities;
  }

  /** An identity as just written, with its keys. */
  @GenerateSql({ name: 'in a transaction', params: (f) => [f.transaction, f.identityId] })
  async reload(tx: EntityManager, id: number): Promise<Identity> {
    const identity = (await tx.findOne(Identity, { where: { id } })) as Identity;
    identity.keys = await tx.find(PublicKey, { where: { identityId: id }, order: { position: 'ASC', id: 'ASC' } });
    return identity;
  }

  private async attachKeys(identities: Identity[]): Promise<void> {
    if (identities.length === 0) return;
    const keys = await this.dataSource
      .getRepository(PublicKey)
      .createQueryBuilder('k')
      .where('k.identity_id = ANY(:ids::int[])', { ids: identities.map((i) => i.id) })
      .orderBy('k.position', 'ASC')
      .addOrderBy('k.id', 'ASC')
      .getMany();
    for (const identity of identities) identity.keys = keys.filter((k) => k.identityId === identity.id);
  }

  private async read(condition: { where: string; params: unknown[] }, options: { limit?: number; offset?: number } = {}): Promise<Identity[]> {
    const params = [...condition.params];
    let paging = '';
    if (options.limit !== undefined) {
      params.push(options.limit, options.offset ?? 0);
      paging = ` LIMIT $${params.length - 1} OFFSET $${params.length}`;
    }
    const rows = await this.prepared.rows<IdentityRow>(
      `SELECT ${SHOWN_COLUMNS},
              COALESCE((SELECT json_agg(json_build_object(${SHOWN_KEY_FIELDS}) ORDER BY k.position, k.id)
                FROM public_keys k WHERE k.identity_id = i.id), '[]') AS keys
         FROM identities i WHERE ${condition.where} ORDER BY i.id${paging}`,
      params,
    );
    return rows.map(identityFromRow);
  }
}

/**
 * The restriction rule as SQL over identity `i`, given the SQL of the target's project (text) and tags (text[]):
 * a disabled list allows everything; an enabled project list must name the project; enabled tags need all (`and`)
 * or any (`or`) of their items among the target's tags.
 */
export function restrictionsAllow(project: string, tags: string): string {
  return `(NOT COALESCE((i.restrictions #>> '{projects,enabled}')::boolean, false)
    OR (CAST(${project} AS text) IS NOT NULL AND COALESCE(i.restrictions #> '{projects,items}', '[]'::jsonb) ? CAST(${project} AS text)))
  AND (NOT COALESCE((i.restrictions #>> '{tags,enabled}')::boolean, false)
    OR (COALESCE(i.restrictions #>> '{tags,matchCondition}', 'or') = 'and'
        AND COALESCE(i.restrictions #> '{tags,items}', '[]'::jsonb) <@ to_jsonb(CAST(${tags} AS text[])))
    OR (COALESCE(i.restrictions #>> '{tags,matchCondition}', 'or') <> 'and'
        AND jsonb_exists_any(COALESCE(i.restrictions #> '{tags,items}', '[]'::jsonb), CAST(${tags} AS text[]))))`;
}

const RESTRICTIONS_ALLOW = restrictionsAllow(':project', ':tags');

/**
 * What reading an identity fetches: what an identity shows (names, restrictions, times) and its keys' lines, types
 * and fingerprints. Every column and every byte of the keys' JSON is parsed on each read, so the creator, remote
 * username, version and key ids stay out (writes read the whole row through the ORM), and the timestamps come as
 * epoch milliseconds (database/sql-time.ts).
 */
const SHOWN_COLUMNS = `i.id, i.slug, i.name, i.description, i.type, i.owner_user_id, i.organization_id, i.restrictions,
  ${epochMs('i.created_at')} AS created_at, ${epochMs('i.updated_at')} AS updated_at`;
const SHOWN_KEY_FIELDS = `'key_text', k.key_text, 'key_type', k.key_type, 'fingerprint_sha256', k.fingerprint_sha256`;

/**
 * The identities (alias `i`) a user may see, given the SQL of the user's id and of the organization their credentials
 * are bound to (null: not bound): their own and those of every organization where they are an active member — or,
 * when bound, that organization's only, while they are an active member there.
 */
export function visibleIdentities(user: string, boundOrganization: string | null): string {
  return boundOrganization !== null
    ? `(i.organization_id = ${boundOrganization} AND EXISTS (SELECT 1 FROM organization_members m WHERE m.organization_id = ${boundOrganization} AND m.user_id = ${user} AND m.status = 'active'))`
    : `(i.owner_user_id = ${user} OR i.organization_id IN (SELECT m.organization_id FROM organization_members m WHERE m.user_id = ${user} AND m.status = 'active'))`;
}

function ownerCondition(owner: IdentityOwner, extra?: string, extraParams: unknown[] = []): { where: string; params: unknown[] } {
  const base = owner.ownerUserId !== null ? 'i.owner_user_id = $1' : 'i.organization_id = $1';
  return { where: extra ? `${base} AND ${extra}` : base, params: [owner.ownerUserId ?? owner.organizationId, ...extraParams] };
}

function ownedQuery(manager: EntityManager, owner: IdentityOwner) {
  const qb = manager.getRepository(Identity).createQueryBuilder('i');
  return owner.ownerUserId !== null
    ? qb.where('i.owner_user_id = :owner', { owner: owner.ownerUserId })
    : qb.where('i.organization_id = :org', { org: owner.organizationId });
}

function identityFromRow(row: IdentityRow): Identity {
  const identity = Object.assign(new Identity(), {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    type: row.type,
    ownerUserId: row.owner_user_id,
    organizationId: row.organization_id,
    restrictions: row.restrictions,
    createdAt: fromEpochMs(row.created_at),
    updatedAt: fromEpochMs(row.updated_at),
  }) as Identity;
  identity.keys = row.keys.map((key) =>
    Object.assign(new PublicKey(), {
      identityId: row.id,
      userId: row.owner_user_id,
      keyText: key.key_text,
      keyType: key.key_type,
      fingerprintSha256: key.fingerprint_sha256,
    }),
  );
  return identity;
}
