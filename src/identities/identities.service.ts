import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Permission } from '../auth/permissions';
import { credentialsAllow, Principal } from '../auth/principal';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, Violation } from '../common/domain-errors';
import { slugify } from '../common/slug';
import { InvalidPrivateKeyError, KeyService, ParsedPublicKey } from '../keys/key.service';
import { PublicKey } from '../keys/public-key.entity';
import { publicKeyFromRow, PublicKeyRow, PublicKeysService } from '../keys/public-keys.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { SecretBox } from '../secrets/secret-box';
import { isUniqueViolation } from '../users/users.service';
import { Identity, IdentityRestrictions, IdentityType } from './identity.entity';

/** Whose identities: the caller's own, or an organization's (by id or slug). */
export type IdentityScope = { kind: 'personal' } | { kind: 'organization'; id?: number; slug?: string };

/** The scope a caller means when naming none: the organization its token is bound to, else its own identities. */
export function defaultIdentityScope(principal: Principal): IdentityScope {
  const boundOrganization = principal.token?.organizationId;
  return boundOrganization != null ? { kind: 'organization', id: boundOrganization } : { kind: 'personal' };
}

export interface IdentityInput {
  name?: string;
  description?: string | null;
  username?: string | null;
  /** When given, the secrets the type needs are required and checked; when omitted on create, `ssh` without secrets. */
  type?: IdentityType;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** Replaces the identity's listed public keys (not the one derived from its private key). */
  publicKeys?: string[];
  restrictions?: IdentityRestrictions;
}

export interface IdentityPage {
  identities: Identity[];
  total: number;
}

export const DEFAULT_RESTRICTIONS: IdentityRestrictions = {
  projects: { enabled: false },
  tags: { enabled: false, matchCondition: 'or' },
};

const ORG_IDENTITIES_DENIED = "You don't have permission to manage this organization's identities";

/** A resolved scope: the owner columns plus the organization for audit. */
interface OwnerColumns {
  ownerUserId: number | null;
  organizationId: number | null;
}

/**
 * Identity slugs: the slugified name, which must start with a letter and have 3 to 39 characters.
 * Null when the name gives no such slug.
 */
export function identitySlug(name: string): string | null {
  const slug = slugify(name, 39);
  return slug && /^[a-z]/.test(slug) && slug.length >= 3 ? slug : null;
}

@Injectable()
export class IdentitiesService {
  constructor(
    @InjectRepository(Identity) private readonly identities: Repository<Identity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly publicKeys: PublicKeysService,
    private readonly keyService: KeyService,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
  ) {}

  /** Identities of one scope with their keys, ordered by creation. */
  async list(principal: Principal, scope: IdentityScope, page: { limit: number; offset: number }): Promise<IdentityPage> {
    const owner = await this.resolveScope(principal, scope, 'identities.read');
    const condition = this.ownerCondition(owner);
    const identities = await this.readIdentities(condition, { withKeys: true, limit: page.limit, offset: page.offset });
    // A page past the end has no row to carry the window count.
    const total =
      identities.length > 0
        ? identities[0].total
        : Number((await this.identities.query(`SELECT count(*) AS n FROM identities i WHERE ${condition.where}`, condition.params))[0].n);
    return { identities, total };
  }

  /** The caller's personal identities, then those of every organization they are an active member of. */
  async listVisible(principal: Principal): Promise<Identity[]> {
    this.requireScope(principal, 'identities.read');
    const boundTeam = principal.token?.organizationId ?? null;
    // One statement, so the memberships and the identities are read from the same snapshot.
    return this.readIdentities(
      boundTeam !== null
        ? { where: 'i.organization_id = $1 AND EXISTS (SELECT 1 FROM organization_members m WHERE m.organization_id = $1 AND m.user_id = $2 AND m.status = \'active\')', params: [boundTeam, principal.user.id] }
        : {
            where: `i.owner_user_id = $1 OR i.organization_id IN (SELECT m.organization_id FROM organization_members m WHERE m.user_id = $1 AND m.status = 'active')`,
            params: [principal.user.id],
          },
      { withKeys: false, order: 'i.organization_id IS NOT NULL, i.id' },
    );
  }


  async getBySlug(principal: Principal, scope: IdentityScope, slug: string): Promise<Identity> {
    const owner = await this.resolveScope(principal, scope, 'identities.read');
    const [identity] = await this.readIdentities(this.ownerCondition(owner, 'i.slug = $2', [slug.toLowerCase()]), { withKeys: true });
    if (!identity) throw new NotFoundError('identity', slug);
    return identity;
  }

  /** Creates an identity. Without `slug`, the slug comes from the name, made unique with a numeric suffix. */
  async create(principal: Principal, scope: IdentityScope, input: IdentityInput, slug?: string): Promise<Identity> {
    const owner = await this.resolveScope(principal, scope, 'identities.create');
    const prepared = this.prepare(input, null);
    for (let attempt = 1; ; attempt += 1) {
      const candidate = slug ?? this.uniqueSlugCandidate(input.name as string, attempt);
      try {
        return await this.dataSource.transaction((tx) => this.insert(tx, principal, owner, candidate, input, prepared));
      } catch (error) {
        if (!isUniqueViolation(error, owner.ownerUserId ? 'identities_personal_slug' : 'identities_organization_slug')) throw error;
        if (slug || attempt >= 50) {
          throw new ConflictError('identity_exists', 'There is already an SSH identity with the same derived identifier', 'name');
        }
      }
    }
  }

  /**
   * Creates the identity at `slug`, or replaces every field of the one there. Concurrent calls for one slug
   * serialise on the row; the loser of a simultaneous first insert retries as a replacement.
   */
  async put(principal: Principal, scope: IdentityScope, slug: string, input: IdentityInput): Promise<{ identity: Identity; created: boolean }> {
    const owner = await this.resolveScope(principal, scope, 'identities.update');
    const prepared = this.prepare(input, null);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(async (tx) => {
          const existing = await this.ownedQuery(owner, tx)
            .andWhere('i.slug = :slug', { slug })
            .setLock('pessimistic_write')
            .getOne();
          if (!existing) {
            this.requireScope(principal, 'identities.create');
            return { identity: await this.insert(tx, principal, owner, slug, input, prepared), created: true };
          }
          // Replace semantics: every field the body omits is reset, listed keys included.
          const replacement: IdentityInput = {
            description: null,
            username: null,
            publicKeys: [],
            restrictions: DEFAULT_RESTRICTIONS,
            ...input,
          };
          // The input was parsed above; an omitted key list is the empty list, nothing new to parse.
          const replacing = input.publicKeys === undefined ? { ...prepared, listed: [] } : prepared;
          return { identity: await this.applyUpdate(tx, principal, existing, replacement, replacing), created: false };
        });
      } catch (error) {
        if (attempt < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  async updateBySlug(principal: Principal, scope: IdentityScope, slug: string, changes: IdentityInput): Promise<Identity> {
    const owner = await this.resolveScope(principal, scope, 'identities.update');
    return this.dataSource.transaction(async (tx) => {
      const identity = await this.ownedQuery(owner, tx).andWhere('i.slug = :slug', { slug }).setLock('pessimistic_write').getOne();
      if (!identity) throw new NotFoundError('identity', slug);
      return this.applyUpdate(tx, principal, identity, changes, this.prepare(changes, identity));
    });
  }

  async deleteBySlug(principal: Principal, scope: IdentityScope, slug: string): Promise<void> {
    const owner = await this.resolveScope(principal, scope, 'identities.delete');
    await this.dataSource.transaction(async (tx) => {
      const identity = await this.ownedQuery(owner, tx).andWhere('i.slug = :slug', { slug }).setLock('pessimistic_write').getOne();
      if (!identity) throw new NotFoundError('identity', slug);
      await this.remove(tx, principal, identity);
    });
  }

  /** Updates by numeric id, checking the caller may manage that identity wherever it lives. */
  async updateById(principal: Principal, id: number, changes: IdentityInput): Promise<Identity> {
    return this.dataSource.transaction(async (tx) => {
      const identity = await this.lockManageable(tx, principal, id, 'identities.update');
      return this.applyUpdate(tx, principal, identity, changes, this.prepare(changes, identity));
    });
  }

  async deleteById(principal: Principal, id: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const identity = await this.lockManageable(tx, principal, id, 'identities.delete');
      await this.remove(tx, principal, identity);
    });
  }

  /** Moves a personal identity of the caller into an organization where they may manage identities. */
  async moveToOrganization(principal: Principal, id: number, organizationId: number): Promise<Identity> {
    this.requireScope(principal, 'identities.update');
    return this.dataSource.transaction(async (tx) => {
      const identity = await tx.getRepository(Identity).createQueryBuilder('i').where('i.id = :id', { id }).setLock('pessimistic_write').getOne();
      if (!identity) throw new NotFoundError('identity', id);
      if (identity.ownerUserId !== principal.user.id || principal.token?.organizationId != null) {
        throw new ForbiddenError('not_owner', 'Can only move your own personal identities');
      }
      await this.organizations.requirePermission(principal, { id: organizationId }, 'identities.manage', ORG_IDENTITIES_DENIED);
      const slugTaken = await tx.getRepository(Identity).exist({ where: { organizationId, slug: identity.slug } });
      const slug = slugTaken ? `${identity.slug.slice(0, 30)}-${identity.id}`.replace(/--+/g, '-') : identity.slug;
      await tx.update(Identity, { id }, { ownerUserId: null, organizationId, slug });
      // Keys follow the identity: they no longer belong to the former owner personally.
      await tx.update(PublicKey, { identityId: id }, { userId: null });
      await this.audit.record(
        principal,
        { action: 'identity.update', resource: 'identity', resourceId: id, resourceName: identity.name, organizationId, details: { identityName: identity.name, targetOrganizationId: organizationId } },
        tx,
      );
      return (await tx.findOne(Identity, { where: { id } })) as Identity;
    });
  }

  /**
   * Identities in the scope holding the key with this fingerprint whose restrictions let it reach a target in
   * `project` carrying `tags`. One query over the fingerprint index; the restriction rules run in SQL.
   */
  async match(principal: Principal, scope: IdentityScope, fingerprint: string, target: { project?: string; tags: string[] }): Promise<Identity[]> {
    const owner = await this.resolveScope(principal, scope, 'identities.read');
    const identities = await this.ownedQuery(owner)
      .innerJoin(PublicKey, 'k', 'k.identity_id = i.id AND k.fingerprint_sha256 = :fingerprint', { fingerprint })
      .andWhere(
        `(NOT COALESCE((i.restrictions #>> '{projects,enabled}')::boolean, false)
          OR (CAST(:project AS text) IS NOT NULL AND COALESCE(i.restrictions #> '{projects,items}', '[]'::jsonb) ? CAST(:project AS text)))`,
        { project: target.project ?? null },
      )
      .andWhere(
        `(NOT COALESCE((i.restrictions #>> '{tags,enabled}')::boolean, false)
          OR (COALESCE(i.restrictions #>> '{tags,matchCondition}', 'or') = 'and'
              AND COALESCE(i.restrictions #> '{tags,items}', '[]'::jsonb) <@ to_jsonb(CAST(:tags AS text[])))
          OR (COALESCE(i.restrictions #>> '{tags,matchCondition}', 'or') <> 'and'
              AND jsonb_exists_any(COALESCE(i.restrictions #> '{tags,items}', '[]'::jsonb), CAST(:tags AS text[]))))`,
        { tags: target.tags },
      )
      .orderBy('i.id', 'ASC')
      .getMany();
    await this.attachKeys(identities);
    return identities;
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private ownerCondition(owner: OwnerColumns, extra?: string, extraParams: unknown[] = []): { where: string; params: unknown[] } {
    const base = owner.ownerUserId !== null ? 'i.owner_user_id = $1' : 'i.organization_id = $1';
    return { where: extra ? `${base} AND ${extra}` : base, params: [owner.ownerUserId ?? owner.organizationId, ...extraParams] };
  }

  /**
   * Reads identities (and optionally their keys) in one statement: these reads serve every list and get, so they
   * skip the ORM's query building and map rows directly. `total` is the number of rows the condition matches.
   */
  private async readIdentities(
    condition: { where: string; params: unknown[] },
    options: { withKeys: boolean; order?: string; limit?: number; offset?: number },
  ): Promise<Array<Identity & { total: number }>> {
    const params = [...condition.params];
    let paging = '';
    if (options.limit !== undefined) {
      params.push(options.limit, options.offset ?? 0);
      paging = ` LIMIT $${params.length - 1} OFFSET $${params.length}`;
    }
    const keys = options.withKeys
      ? `, COALESCE((SELECT json_agg(k ORDER BY k.position, k.id) FROM public_keys k WHERE k.identity_id = i.id), '[]') AS keys`
      : '';
    const rows: IdentityRow[] = await this.identities.query(
      `SELECT i.id, i.slug, i.name, i.description, i.username, i.type, i.owner_user_id, i.organization_id, i.created_by,
              i.restrictions, i.created_at, i.updated_at, i.version, count(*) OVER () AS total${keys}
         FROM identities i WHERE ${condition.where} ORDER BY ${options.order ?? 'i.id'}${paging}`,
      params,
    );
    return rows.map((row) => {
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
        // json_agg turns timestamps into text; they are dates again here.
        identity.keys = row.keys.map((key) =>
          Object.assign(new PublicKey(), publicKeyFromRow({ ...key, created_at: new Date(key.created_at), updated_at: new Date(key.updated_at) })),
        );
      }
      return identity;
    });
  }

  private requireScope(principal: Principal, permission: Permission): void {
    if (!credentialsAllow(principal, permission)) {
      throw new ForbiddenError('token_scope', 'The API token does not grant this action', [permission]);
    }
  }

  /** Turns a scope into owner columns, checking the caller may act there at all. */
  private async resolveScope(principal: Principal, scope: IdentityScope, permission: Permission): Promise<OwnerColumns> {
    this.requireScope(principal, permission);
    if (scope.kind === 'personal') {
      if (principal.token?.organizationId != null) {
        throw new ForbiddenError('token_scope', 'This API token is bound to a team');
      }
      return { ownerUserId: principal.user.id, organizationId: null };
    }
    const ref = { id: scope.id, slug: scope.slug };
    const access =
      permission === 'identities.read'
        ? await this.organizations.access(principal, ref)
        : await this.organizations.requirePermission(principal, ref, 'identities.manage', ORG_IDENTITIES_DENIED);
    return { ownerUserId: null, organizationId: access.organization.id };
  }

  private ownedQuery(owner: OwnerColumns, manager?: EntityManager) {
    const qb = (manager ? manager.getRepository(Identity) : this.identities).createQueryBuilder('i');
    return owner.ownerUserId !== null
      ? qb.where('i.owner_user_id = :owner', { owner: owner.ownerUserId })
      : qb.where('i.organization_id = :org', { org: owner.organizationId });
  }

  private async lockManageable(tx: EntityManager, principal: Principal, id: number, permission: Permission): Promise<Identity> {
    this.requireScope(principal, permission);
    const identity = await tx.getRepository(Identity).createQueryBuilder('i').where('i.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!identity) throw new NotFoundError('identity', id);
    if (identity.organizationId !== null) {
      await this.organizations.requirePermission(principal, { id: identity.organizationId }, 'identities.manage', ORG_IDENTITIES_DENIED);
    } else if (identity.ownerUserId !== principal.user.id || principal.token?.organizationId != null) {
      throw new ForbiddenError('not_owner', 'No permission to access this identity');
    }
    return identity;
  }

  private uniqueSlugCandidate(name: string, attempt: number): string {
    const base = identitySlug(name) ?? `identity-${slugify(name, 29) ?? 'x'}`.replace(/-x$/, '-key');
    if (attempt === 1) return base;
    const suffix = `-${attempt}`;
    return base.slice(0, 39 - suffix.length).replace(/-+$/, '') + suffix;
  }

  /**
   * Checks the secrets against the type and parses keys, before any write. `current` is the stored identity on
   * update (its type applies when the change does not name one).
   */
  private prepare(input: IdentityInput, current: Identity | null): PreparedSecrets {
    const violations: Violation[] = [];
    const type = input.type ?? current?.type;
    let derived: ParsedPublicKey | null | undefined;
    const usesKey = type === 'ssh' || type === 'both';
    const usesPassword = type === 'password' || type === 'password-only' || type === 'both';
    if (input.privateKey !== undefined && usesKey) {
      try {
        derived = this.keyService.parsePrivateKey(input.privateKey, input.passphrase).publicKey;
      } catch (error) {
        if (!(error instanceof InvalidPrivateKeyError)) throw error;
        violations.push({ field: error.reason === 'not_private_key' || error.reason === 'malformed' ? 'sshKey' : 'passphrase', code: error.reason, message: error.message });
      }
    }
    // Secrets a newly typed identity needs (only when the caller chose the type explicitly).
    if (!current && input.type) {
      if (usesKey && input.privateKey === undefined) {
        violations.push({ field: 'sshKey', code: 'required', message: `sshKey is required for type ${input.type}` });
      }
      if (usesPassword && input.password === undefined) {
        violations.push({ field: 'password', code: 'required', message: `password is required for type ${input.type}` });
      }
    }
    let listed: ParsedPublicKey[] | undefined;
    if (input.publicKeys !== undefined) {
      try {
        listed = this.publicKeys.parseIdentityKeys(input.publicKeys, 'sshPublicKeys');
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        violations.push(...error.violations);
      }
    }
    if (violations.length > 0) throw new ValidationError(violations);
    return { type, derived, listed };
  }

  private async insert(tx: EntityManager, principal: Principal, owner: OwnerColumns, slug: string, input: IdentityInput, prepared: PreparedSecrets): Promise<Identity> {
    const identity = await tx.save(
      tx.create(Identity, {
        slug,
        name: input.name as string,
        description: input.description ?? null,
        username: input.username ?? null,
        type: prepared.type ?? 'ssh',
        ownerUserId: owner.ownerUserId,
        organizationId: owner.organizationId,
        createdBy: principal.user.id,
        restrictions: input.restrictions ?? DEFAULT_RESTRICTIONS,
        ...this.sealedSecrets(input, prepared.type ?? 'ssh', null),
      }),
    );
    await this.syncKeys(tx, identity, input, prepared);
    await this.audit.record(
      principal,
      {
        action: 'identity.create',
        resource: 'identity',
        resourceId: identity.id,
        resourceName: identity.name,
        organizationId: identity.organizationId,
        details: { identityName: identity.name, identityType: identity.type, scope: identity.organizationId ? 'organization' : 'personal' },
      },
      tx,
    );
    return this.reload(tx, identity.id);
  }

  private async applyUpdate(tx: EntityManager, principal: Principal, identity: Identity, changes: IdentityInput, prepared: PreparedSecrets): Promise<Identity> {
    const type = prepared.type ?? identity.type;
    const patch: Partial<Identity> = { ...this.sealedSecrets(changes, type, identity) };
    if (changes.name !== undefined) patch.name = changes.name;
    if (changes.description !== undefined) patch.description = changes.description;
    if (changes.username !== undefined) patch.username = changes.username;
    if (changes.type !== undefined) patch.type = changes.type;
    if (changes.restrictions !== undefined) patch.restrictions = changes.restrictions;
    patch.updatedAt = new Date();
    await tx.update(Identity, { id: identity.id }, patch);
    await this.syncKeys(tx, identity, changes, prepared, type);
    await this.audit.record(
      principal,
      {
        action: 'identity.update',
        resource: 'identity',
        resourceId: identity.id,
        resourceName: changes.name ?? identity.name,
        organizationId: identity.organizationId,
        details: {
          identityName: identity.name,
          identityType: identity.type,
          updatedFields: Object.keys(changes).filter((k) => !['password', 'privateKey', 'passphrase'].includes(k)),
        },
      },
      tx,
    );
    return this.reload(tx, identity.id);
  }

  private async remove(tx: EntityManager, principal: Principal, identity: Identity): Promise<void> {
    await tx.delete(Identity, { id: identity.id });
    await this.audit.record(
      principal,
      { action: 'identity.delete', resource: 'identity', resourceId: identity.id, resourceName: identity.name, organizationId: identity.organizationId, details: { identityName: identity.name, identityType: identity.type } },
      tx,
    );
  }

  /**
   * Secret sync (Nexterm's rules): only secrets present are considered. A password for a password type drops the
   * key and passphrase; a key for `ssh` drops the password; a key sent without a passphrase drops the stored one.
   */
  private sealedSecrets(input: IdentityInput, type: IdentityType, current: Identity | null): Partial<Identity> {
    const sealed: Partial<Identity> = {};
    const seal = (value: string) => this.secretBox.seal(value);
    if ((type === 'password' || type === 'password-only') && input.password !== undefined) {
      sealed.passwordSecret = seal(input.password);
      sealed.privateKeySecret = null;
      sealed.passphraseSecret = null;
    }
    if ((type === 'ssh' || type === 'both') && input.privateKey !== undefined) {
      sealed.privateKeySecret = seal(input.privateKey);
      sealed.passphraseSecret = input.passphrase !== undefined ? seal(input.passphrase) : null;
      if (type === 'ssh') sealed.passwordSecret = null;
    }
    if (type === 'both' && input.password !== undefined) sealed.passwordSecret = seal(input.password);
    if (!current) {
      sealed.passwordSecret ??= null;
      sealed.privateKeySecret ??= null;
      sealed.passphraseSecret ??= null;
    }
    return sealed;
  }

  private async syncKeys(tx: EntityManager, identity: Identity, input: IdentityInput, prepared: PreparedSecrets, type = prepared.type): Promise<void> {
    if (prepared.listed !== undefined && input.publicKeys !== undefined) {
      await this.publicKeys.replaceIdentityKeys(tx, identity, prepared.listed, input.publicKeys);
    }
    if (prepared.derived !== undefined) {
      await this.publicKeys.setDerivedKey(tx, identity, prepared.derived);
    } else if ((type === 'password' || type === 'password-only') && input.password !== undefined) {
      // The private key was just dropped, so its public half goes too.
      await this.publicKeys.setDerivedKey(tx, identity, null);
    }
  }

  private async reload(tx: EntityManager, id: number): Promise<Identity> {
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
  keys?: PublicKeyRow[];
}

interface PreparedSecrets {
  type: IdentityType | undefined;
  /** undefined: no private key sent; null never (parse failures are violations). */
  derived: ParsedPublicKey | null | undefined;
  listed: ParsedPublicKey[] | undefined;
}
