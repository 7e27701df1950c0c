import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService, IdentityScope } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { Permission } from '../auth/permissions';
import { Principal } from '../auth/principal';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/domain-errors';
import { KeyService } from '../keys/key.service';
import { KeyPolicy } from '../keys/key-policy';
import { PublicKeysService } from '../keys/public-keys.service';
import { SecretBox } from '../secrets/secret-box';
import { isUniqueViolation } from '../users/users.service';
import { IdentitiesRepository, IdentityOwner, UseTarget } from './identities.repository';
import { Identity } from './identity.entity';
import { IdentityInput, PreparedInput, prepareIdentityInput } from './identity-input';
import { DEFAULT_RESTRICTIONS, movedSlug, sealedSecrets, uniqueSlugCandidate } from './identity-rules';

export type { IdentityInput, IdentityScope };

/** The scope a caller means when naming none: the organization its token is bound to, else its own identities. */
export function defaultIdentityScope(principal: Principal): IdentityScope {
  const boundOrganization = principal.token?.organizationId;
  return boundOrganization != null ? { kind: 'organization', id: boundOrganization } : { kind: 'personal' };
}


export interface IdentityPage {
  identities: Identity[];
  /** Whether identities follow this page. */
  hasMore: boolean;
}

@Injectable()
export class IdentitiesService {
  constructor(
    private readonly identities: IdentitiesRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly publicKeys: PublicKeysService,
    private readonly keyService: KeyService,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly policy: KeyPolicy,
  ) {}

  /** Identities of one scope with their keys, ordered by creation. */
  async list(principal: Principal, scope: IdentityScope, page: { limit: number; offset: number }): Promise<IdentityPage> {
    return this.identities.listOwned(await this.access.identityOwner(principal, scope, 'identities.read'), page);
  }

  /** The caller's personal identities, then those of every organization they are an active member of. */
  async listVisible(principal: Principal): Promise<Identity[]> {
    this.access.requireCredentials(principal, 'identities.read');
    return this.identities.listVisibleTo(principal.user.id, principal.token?.organizationId ?? null);
  }

  async getBySlug(principal: Principal, scope: IdentityScope, slug: string): Promise<Identity> {
    const identity = await this.identities.findOwnedBySlug(await this.access.identityOwner(principal, scope, 'identities.read'), slug);
    if (!identity) throw new NotFoundError('identity', slug);
    return identity;
  }

  /** Creates an identity. Without `slug`, the slug comes from the name, made unique with a numeric suffix. */
  async create(principal: Principal, scope: IdentityScope, input: IdentityInput, slug?: string): Promise<Identity> {
    const owner = await this.access.identityOwner(principal, scope, 'identities.create');
    const prepared = this.prepareInput(input, null);
    for (let attempt = 1; ; attempt += 1) {
      const candidate = slug ?? uniqueSlugCandidate(input.name as string, attempt);
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
    const owner = await this.access.identityOwner(principal, scope, 'identities.update');
    const prepared = this.prepareInput(input, null);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(async (tx) => {
          const existing = await this.identities.lockOwnedBySlug(tx, owner, slug);
          if (!existing) {
            this.access.requireCredentials(principal, 'identities.create');
            return { identity: await this.insert(tx, principal, owner, slug, input, prepared), created: true };
          }
          // Replace semantics over the identity document (name, description, listed keys, restrictions): what the
          // body omits of it is reset. The remote username and the secrets are the terminal login's, set through
          // another view; a replace that does not carry them keeps them (erasing the username would also drop these
          // keys from what SSH servers are told for that login).
          const replacement: IdentityInput = {
            description: null,
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
    const owner = await this.access.identityOwner(principal, scope, 'identities.update');
    return this.dataSource.transaction(async (tx) => {
      const identity = await this.identities.lockOwnedBySlug(tx, owner, slug);
      if (!identity) throw new NotFoundError('identity', slug);
      return this.applyUpdate(tx, principal, identity, changes, this.prepareInput(changes, identity));
    });
  }

  async deleteBySlug(principal: Principal, scope: IdentityScope, slug: string): Promise<void> {
    const owner = await this.access.identityOwner(principal, scope, 'identities.delete');
    await this.dataSource.transaction(async (tx) => {
      const identity = await this.identities.lockOwnedBySlug(tx, owner, slug);
      if (!identity) throw new NotFoundError('identity', slug);
      await this.remove(tx, principal, identity);
    });
  }

  /** Updates by numeric id, checking the caller may manage that identity wherever it lives. */
  async updateById(principal: Principal, id: number, changes: IdentityInput): Promise<Identity> {
    return this.dataSource.transaction(async (tx) => {
      const identity = await this.lockManageable(tx, principal, id, 'identities.update');
      return this.applyUpdate(tx, principal, identity, changes, this.prepareInput(changes, identity));
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
    this.access.requireCredentials(principal, 'identities.update');
    return this.dataSource.transaction(async (tx) => {
      const identity = await this.identities.lockById(tx, id);
      if (!identity) throw new NotFoundError('identity', id);
      if (!this.access.ownsPersonally(principal, identity)) throw new ForbiddenError('not_owner', 'Can only move your own personal identities');
      await this.access.identityOwner(principal, { kind: 'organization', id: organizationId }, 'identities.update');
      const slugTaken = await this.identities.slugTakenInOrganization(tx, organizationId, identity.slug);
      await this.identities.moveToOrganization(tx, id, organizationId, slugTaken ? movedSlug(identity) : identity.slug);
      await this.audit.record(
        principal,
        { action: 'identity.update', resource: 'identity', resourceId: id, resourceName: identity.name, organizationId, details: { identityName: identity.name, targetOrganizationId: organizationId } },
        tx,
      );
      return this.identities.reload(tx, id);
    });
  }

  /**
   * Identities in the scope holding the key with this fingerprint whose restrictions let it reach a target in
   * `project` carrying `tags`. One query over the fingerprint index; the restriction rules run in SQL.
   */
  async match(principal: Principal, scope: IdentityScope, fingerprint: string, target: UseTarget): Promise<Identity[]> {
    return this.identities.matchByFingerprint(await this.access.identityOwner(principal, scope, 'identities.read'), fingerprint, target);
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private async lockManageable(tx: EntityManager, principal: Principal, id: number, permission: Permission): Promise<Identity> {
    this.access.requireCredentials(principal, permission);
    const identity = await this.identities.lockById(tx, id);
    if (!identity) throw new NotFoundError('identity', id);
    await this.access.requireIdentityManageable(principal, identity, permission);
    return identity;
  }

  private prepareInput(input: IdentityInput, current: Identity | null): PreparedInput {
    return prepareIdentityInput(input, current, this.keyService, (texts) => this.publicKeys.parseIdentityKeys(texts, 'sshPublicKeys'), this.policy);
  }

  private async insert(tx: EntityManager, principal: Principal, owner: IdentityOwner, slug: string, input: IdentityInput, prepared: PreparedInput): Promise<Identity> {
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
        ...sealedSecrets(input, prepared.type ?? 'ssh', null, (value) => this.secretBox.seal(value)),
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
    return this.identities.reload(tx, identity.id);
  }

  private async applyUpdate(tx: EntityManager, principal: Principal, identity: Identity, changes: IdentityInput, prepared: PreparedInput): Promise<Identity> {
    const type = prepared.type ?? identity.type;
    const patch: Partial<Identity> = { ...sealedSecrets(changes, type, identity, (value) => this.secretBox.seal(value)) };
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
    return this.identities.reload(tx, identity.id);
  }

  private async remove(tx: EntityManager, principal: Principal, identity: Identity): Promise<void> {
    await tx.delete(Identity, { id: identity.id });
    await this.audit.record(
      principal,
      { action: 'identity.delete', resource: 'identity', resourceId: identity.id, resourceName: identity.name, organizationId: identity.organizationId, details: { identityName: identity.name, identityType: identity.type } },
      tx,
    );
  }

  private async syncKeys(tx: EntityManager, identity: Identity, input: IdentityInput, prepared: PreparedInput, type = prepared.type): Promise<void> {
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
}
