import { Injectable } from '@nestjs/common';
import { Permission } from '../auth/permissions';
import { credentialsAllow, Principal, userHolds } from '../auth/principal';
import { ForbiddenError, NotFoundError } from '../common/domain-errors';
import { IdentityOwner } from '../identities/identities.repository';
import type { Identity } from '../identities/identity.entity';
import { ORG_IDENTITIES_DENIED } from '../identities/identity-rules';
import { OrganizationsService } from '../organizations/organizations.service';

/** Whose identities: the caller's own, or an organization's (by id or slug). */
export type IdentityScope = { kind: 'personal' } | { kind: 'organization'; id?: number; slug?: string };

/**
 * The one answer to "may this caller touch this identity, key or organization". Services ask it before they act;
 * the repositories then take the owner it resolved, so every query is confined to what the caller may reach.
 *
 * - A token's permission list bounds everything it does (sessions and passwords carry every permission).
 * - A token bound to an organization reaches that organization only: never personal identities or keys.
 * - Personal identities and keys belong to their user; another user's keys need the system-wide grant.
 * - An organization's identities: reading needs active membership, changing needs `identities.manage` there.
 */
@Injectable()
export class AccessService {
  constructor(private readonly organizations: OrganizationsService) {}

  /** The credentials allow this action at all. */
  requireCredentials(principal: Principal, permission: Permission): void {
    if (!credentialsAllow(principal, permission)) {
      throw new ForbiddenError('token_scope', 'The API token does not grant this action', [permission]);
    }
  }

  /** The owner whose identities the caller reaches in this scope, for this action. */
  async identityOwner(principal: Principal, scope: IdentityScope, permission: Permission): Promise<IdentityOwner> {
    this.requireCredentials(principal, permission);
    if (scope.kind === 'personal') {
      if (principal.token?.organizationId != null) throw new ForbiddenError('token_scope', 'This API token is bound to a team');
      return { ownerUserId: principal.user.id, organizationId: null };
    }
    const ref = { id: scope.id, slug: scope.slug };
    const access =
      permission === 'identities.read'
        ? await this.organizations.access(principal, ref)
        : await this.organizations.requirePermission(principal, ref, 'identities.manage', ORG_IDENTITIES_DENIED);
    return { ownerUserId: null, organizationId: access.organization.id };
  }

  /** The caller may change (or delete) this identity, wherever it lives. */
  async requireIdentityManageable(principal: Principal, identity: Identity, permission: Permission): Promise<void> {
    this.requireCredentials(principal, permission);
    if (identity.organizationId !== null) {
      await this.organizations.requirePermission(principal, { id: identity.organizationId }, 'identities.manage', ORG_IDENTITIES_DENIED);
    } else if (!this.ownsPersonally(principal, identity)) {
      throw new ForbiddenError('not_owner', 'No permission to access this identity');
    }
  }

  /** The caller's own personal identity, reached with credentials not bound to an organization. */
  ownsPersonally(principal: Principal, identity: Pick<Identity, 'ownerUserId'>): boolean {
    return identity.ownerUserId === principal.user.id && principal.token?.organizationId == null;
  }

  /**
   * The caller may act on the personal keys of `userId`: their own within the token's scope, another user's with
   * the system-wide grant (that user must exist: `userExists` is asked only then).
   */
  async requirePersonalKeys(principal: Principal, userId: number, permission: Permission, userExists: () => Promise<boolean>): Promise<void> {
    if (principal.token?.organizationId != null) {
      throw new ForbiddenError('token_scope', 'This API token is bound to an organization and cannot reach personal keys', [permission]);
    }
    const self = principal.user.id === userId;
    const allowed = self ? credentialsAllow(principal, permission) : userHolds(principal, permission);
    if (!allowed) throw new ForbiddenError('missing_permission', `Missing one of the required permissions: ${permission}`, [permission]);
    if (!self && !(await userExists())) throw new NotFoundError('user', userId);
  }
}
