import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';
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

interface IdentityRow {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  username: string | null;
  type: IdentityType;
  owner_user_id: number | null;
  organization_id: number | null;
  created_by: number | null;
  restrictions: IdentityRestrictions;
  created_at: Date;
  updated_at: Date;
  version: number;
  total: string;
  keys?: Array<Pick<PublicKeyRow, 'id' | 'key_text' | 'key_type' | 'fingerprint_sha256' | 'derived'>>;
}

/**
 * Every query on identities. Each method takes the owner it may touch, so no caller can forget the scope; the hot
 * reads (lists and gets, with their keys) are one raw statement each, mapped without the ORM.
 */
@Injectable()
export class IdentitiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page of an owner's identities with their keys, and how many the owner has. */
  @GenerateSql(
    { name: "a user's page", params: (f) => [{ ownerUserId: f.userId, organizationId: null }, { limit: 20, offset: 0 }] },
    { name: "an organization's page past the end (counted on its own)", params: (f) => [{ ownerUserId: null, organizationId: f.organizationId }, { limit: 20, offset: 100 }] },
  )
  async listOwned(owner: IdentityOwner, page: { limit: number; offset: number }): Promise<{ identities: Identity[]; total: number }> {
    const condition = ownerCondition(owner);
    const counted = ownerCondition(owner, undefined, [], 'c').where;
    const identities = await this.read(condition, { withKeys: true, total: `(SELECT count(*) FROM identities c WHERE ${counted})`, limit: page.limit, offset: page.offset });
    // A page past the end has no row to carry the count.
    const total =
      identities.length > 0
        ? identities[0].total
        : Number((await this.dataSource.query(`SELECT count(*) AS n FROM identities i WHERE ${condition.where}`, condition.params))[0].n);
    return { identities, total };
  }

  @GenerateSql({ name: "a user's identity", params: (f) => [{ ownerUserId: f.userId, organizationId: null }, f.identitySlug] })
  async findOwnedBySlug(owner: IdentityOwner, slug: string): Promise<Identity | null> {
    const [identity] = await this.read(ownerCondition(owner, 'i.slug = $2', [slug.toLowerCase()]), { withKeys: true });
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
    const rows: Array<Pick<IdentityRow, 'id' | 'slug' | 'name' | 'username' | 'type' | 'owner_user_id' | 'organization_id'>> = await this.dataSource.query(
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

  /** With `total` (SQL of a scalar count over the same parameters), each row carries it as `total`. */
  private async read(
    condition: { where: string; params: unknown[] },
    options: { withKeys: boolean; total?: string; order?: string; limit?: number; offset?: number },
  ): Promise<Array<Identity & { total: number }>> {
    const params = [...condition.params];
    let paging = '';
    if (options.limit !== undefined) {
      params.push(options.limit, options.offset ?? 0);
      paging = ` LIMIT $${params.length - 1} OFFSET $${params.length}`;
    }
    // The keys carry what the identity presenters show (line, type, fingerprint): every byte of this JSON is parsed
    // on every list, so names, MD5 fingerprints, comments, bits and timestamps stay out.
    const keys = options.withKeys
      ? `, COALESCE((SELECT json_agg(json_build_object('id', k.id, 'key_text', k.key_text, 'key_type', k.key_type,
            'fingerprint_sha256', k.fingerprint_sha256, 'derived', k.derived) ORDER BY k.position, k.id)
            FROM public_keys k WHERE k.identity_id = i.id), '[]') AS keys`
      : '';
    // The total is a scalar subquery over the owner's index, not a window: the page alone is read.
    const total = options.total ?? '0';
    const rows: IdentityRow[] = await this.dataSource.query(
      `SELECT i.id, i.slug, i.name, i.description, i.username, i.type, i.owner_user_id, i.organization_id, i.created_by,
              i.restrictions, i.created_at, i.updated_at, i.version, ${total} AS total${keys}
         FROM identities i WHERE ${condition.where} ORDER BY ${options.order ?? 'i.id'}${paging}`,
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
 * The identities (alias `i`) a user may see, given the SQL of the user's id and of the organization their credentials
 * are bound to (null: not bound): their own and those of every organization where they are an active member — or,
 * when bound, that organization's only, while they are an active member there.
 */
export function visibleIdentities(user: string, boundOrganization: string | null): string {
  return boundOrganization !== null
    ? `(i.organization_id = ${boundOrganization} AND EXISTS (SELECT 1 FROM organization_members m WHERE m.organization_id = ${boundOrganization} AND m.user_id = ${user} AND m.status = 'active'))`
    : `(i.owner_user_id = ${user} OR i.organization_id IN (SELECT m.organization_id FROM organization_members m WHERE m.user_id = ${user} AND m.status = 'active'))`;
}

function ownerCondition(owner: IdentityOwner, extra?: string, extraParams: unknown[] = [], alias = 'i'): { where: string; params: unknown[] } {
  const base = owner.ownerUserId !== null ? `${alias}.owner_user_id = $1` : `${alias}.organization_id = $1`;
  return { where: extra ? `${base} AND ${extra}` : base, params: [owner.ownerUserId ?? owner.organizationId, ...extraParams] };
}

function ownedQuery(manager: EntityManager, owner: IdentityOwner) {
  const qb = manager.getRepository(Identity).createQueryBuilder('i');
  return owner.ownerUserId !== null
    ? qb.where('i.owner_user_id = :owner', { owner: owner.ownerUserId })
    : qb.where('i.organization_id = :org', { org: owner.organizationId });
}

function identityFromRow(row: IdentityRow): Identity & { total: number } {
  const identity = Object.assign(new Identity(), {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    username: row.username,
    type: row.type,
    ownerUserId: row.owner_user_id,
    organizationId: row.organization_id,
    createdBy: row.created_by,
    restrictions: row.restrictions,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  }) as Identity & { total: number };
  identity.total = Number(row.total);
  if (row.keys) {
    identity.keys = row.keys.map((key) =>
      Object.assign(new PublicKey(), {
        id: key.id,
        identityId: row.id,
        userId: row.owner_user_id,
        keyText: key.key_text,
        keyType: key.key_type,
        fingerprintSha256: key.fingerprint_sha256,
        derived: key.derived,
      }),
    );
  }
  return identity;
}
