import { Injectable } from '@nestjs/common';
import { ORGANIZATION_PERMISSIONS, OrganizationPermission } from '../auth/permissions';
import { Principal } from '../auth/principal';
import { AuditService } from '../audit/audit.service';
import { ConflictError, ForbiddenError, NotFoundError, TooManyAttemptsError } from '../common/domain-errors';
import { AttemptCountersRepository, windowPolicy } from '../limits/attempt-counters.repository';
import { slugify } from '../common/slug';
import { isUniqueViolation } from '../users/users.service';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { Membership } from './membership.entity';
import { Organization } from './organization.entity';
import { OrganizationsRepository } from './organizations.repository';

/** What the caller may do inside one organization. */
export interface OrganizationAccess {
  organization: Organization;
  membership: Membership | null;
  isOwner: boolean;
  permissions: OrganizationPermission[];
}

/** How an invitation ended, for the audit log. */
function inviteOutcomeName(outcome: unknown): string {
  if (outcome instanceof NotFoundError) return 'unknown_login';
  if (outcome instanceof ConflictError) return outcome.reason;
  return outcome instanceof Error ? 'failed' : 'invited';
}

/**
 * Invitations one member may send an hour, over all organizations. Invitations of logins that do not exist count
 * too: the answer tells whether a login exists, so the limit and the audit trail keep it from being a cheap oracle.
 */
export const INVITATIONS_PER_HOUR = 20;

export interface MemberView {
  membership: Membership;
  user: User;
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersRepository,
    private readonly counters: AttemptCountersRepository,
    private readonly audit: AuditService,
  ) {}

  /** Creates the organization with the caller as its active owner, under a unique slug derived from the name. */
  async create(principal: Principal, input: { name: string; description?: string | null; slug?: string }): Promise<Organization> {
    const base = input.slug ?? slugify(input.name, 39) ?? 'organization';
    for (let attempt = 1; ; attempt += 1) {
      const suffix = attempt === 1 ? '' : `-${attempt}`;
      const slug = base.slice(0, 39 - suffix.length).replace(/-+$/, '') + suffix;
      try {
        return await this.organizations.insertWithOwner({ slug, name: input.name, description: input.description ?? null }, principal.user.id);
      } catch (error) {
        if (input.slug || !isUniqueViolation(error) || attempt > 50) {
          if (isUniqueViolation(error)) throw new ConflictError('slug_taken', 'An organization with this id exists', 'slug');
          throw error;
        }
      }
    }
  }

  findBySlug(slug: string): Promise<Organization | null> {
    return this.organizations.findBySlug(slug);
  }

  findById(id: number): Promise<Organization | null> {
    return this.organizations.findById(id);
  }

  async isActiveMember(organizationId: number, userId: number): Promise<boolean> {
    return (await this.activeMembersAmong(organizationId, [userId])).length > 0;
  }

  /** Which of these users are active members of the organization (one query, however many users). */
  activeMembersAmong(organizationId: number, userIds: number[]): Promise<number[]> {
    return this.organizations.activeMembersAmong(organizationId, userIds);
  }

  /** Organizations where the caller is an active member, with what they may do in each. */
  async listForMember(principal: Principal): Promise<OrganizationAccess[]> {
    const rows = await this.organizations.activeMembershipsOf(principal.user.id);
    return rows.map((membership) => this.describeAccess(principal, membership.organization as Organization, membership));
  }

  /**
   * The caller's access to an organization, by id or slug. A missing organization and one the caller is not an
   * active member of look the same (forbidden), so membership never leaks through errors. Admins pass.
   */
  async access(principal: Principal, ref: { id?: number; slug?: string }): Promise<OrganizationAccess> {
    const organization =
      ref.id !== undefined ? await this.findById(ref.id) : ref.slug !== undefined ? await this.findBySlug(ref.slug) : null;
    const membership = organization
      ? await this.organizations.membership(organization.id, principal.user.id)
      : null;
    const tokenOrganization = principal.token?.organizationId;
    const tokenAllows = tokenOrganization == null || tokenOrganization === organization?.id;
    const active = membership?.status === 'active';
    if (!organization || !tokenAllows || (!active && !principal.user.isAdmin)) {
      throw new ForbiddenError('not_member', "You don't have access to this organization");
    }
    return this.describeAccess(principal, organization, active ? membership : null);
  }

  async requirePermission(
    principal: Principal,
    ref: { id?: number; slug?: string },
    permission: OrganizationPermission,
    message: string,
  ): Promise<OrganizationAccess> {
    let access: OrganizationAccess;
    try {
      access = await this.access(principal, ref);
    } catch (error) {
      if (error instanceof ForbiddenError) throw new ForbiddenError('cannot_manage_identities', message);
      throw error;
    }
    if (!access.permissions.includes(permission)) throw new ForbiddenError('cannot_manage_identities', message);
    return access;
  }

  async update(principal: Principal, id: number, changes: { name?: string; description?: string | null }): Promise<Organization> {
    const access = await this.access(principal, { id });
    if (!access.isOwner) throw new ForbiddenError('not_owner', "You don't have permission to update this organization");
    await this.organizations.update(id, changes);
    return (await this.findById(id)) as Organization;
  }

  async delete(principal: Principal, id: number): Promise<void> {
    const access = await this.access(principal, { id }).catch(() => null);
    if (!access?.isOwner) {
      throw new ForbiddenError('not_owner', "You don't have permission to delete this organization or it doesn't exist");
    }
    await this.organizations.delete(id);
  }

  async members(principal: Principal, id: number): Promise<MemberView[]> {
    await this.access(principal, { id });
    const rows = await this.organizations.membersWithUsers(id);
    return rows.map((membership) => ({ membership, user: membership.user as User }));
  }

  /** Invites the account with this login; every attempt is limited per inviter and written to the audit log. */
  async invite(principal: Principal, id: number, login: string): Promise<void> {
    await this.requirePermission(principal, { id }, 'members.manage', "You don't have permission to invite users to this organization");
    const count = await this.counters.countOne('invite', String(principal.user.id), windowPolicy(INVITATIONS_PER_HOUR, 3600));
    if (!count.counted) throw new TooManyAttemptsError(count.retryAfterSeconds);
    const outcome = await this.inviteOutcome(principal, id, login).catch((error: unknown) => error);
    await this.audit.record(principal, {
      action: 'organization.member.invite',
      resource: 'organization',
      resourceId: id,
      organizationId: id,
      details: { username: login, outcome: inviteOutcomeName(outcome) },
    });
    if (outcome instanceof Error) throw outcome;
  }

  private async inviteOutcome(principal: Principal, id: number, login: string): Promise<void> {
    const invitee = await this.users.findByLogin(login);
    if (!invitee) throw new NotFoundError('user', login);
    const existing = await this.organizations.membership(id, invitee.id);
    if (existing?.status === 'active') throw new ConflictError('already_member', 'User is already a member of this organization');
    if (existing) throw new ConflictError('already_invited', 'User already has a pending invitation');
    try {
      await this.organizations.insertInvitation(id, invitee.id, principal.user.id);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('already_invited', 'User already has a pending invitation');
      throw error;
    }
  }

  async pendingInvitations(principal: Principal): Promise<Array<{ membership: Membership; organization: Organization; inviter: User | null }>> {
    const rows = await this.organizations.pendingInvitationsOf(principal.user.id);
    return rows.map(({ membership, inviter }) => ({ membership, organization: membership.organization as Organization, inviter }));
  }

  async respond(principal: Principal, organizationId: number, accept: boolean): Promise<void> {
    if (!(await this.organizations.answerInvitation(organizationId, principal.user.id, accept))) throw new NotFoundError('invitation', organizationId);
  }

  async removeMember(principal: Principal, organizationId: number, userId: number): Promise<void> {
    await this.requirePermission(principal, { id: organizationId }, 'members.manage', "You don't have permission to remove members from this organization");
    const membership = await this.organizations.membership(organizationId, userId);
    if (!membership) throw new NotFoundError('member', userId);
    if (membership.role === 'owner') throw new ForbiddenError('cannot_remove_owner', 'Cannot remove the organization owner');
    await this.organizations.deleteMembership(organizationId, userId);
  }

  async leave(principal: Principal, organizationId: number): Promise<void> {
    const membership = await this.organizations.activeMembership(organizationId, principal.user.id);
    if (!membership) throw new NotFoundError('membership', organizationId);
    if (membership.role === 'owner') {
      throw new ForbiddenError('owner_cannot_leave', 'As the owner, you cannot leave the organization. You must delete it instead');
    }
    await this.organizations.deleteMembership(organizationId, principal.user.id);
  }

  /** A member's own grants (owners hold every permission without grants); needs `members.manage`. */
  async memberPermissions(principal: Principal, organizationId: number, userId: number): Promise<Membership> {
    await this.requirePermission(principal, { id: organizationId }, 'members.manage', "You don't have permission to manage members of this organization");
    const membership = await this.organizations.membership(organizationId, userId);
    if (!membership) throw new NotFoundError('member', userId);
    return membership;
  }

  /**
   * Grants and revokes a member's permissions in one transaction: the membership row is locked while its current
   * grants are read and rewritten, so concurrent changes to different permissions are not lost.
   */
  async changeMemberPermissions(
    principal: Principal,
    organizationId: number,
    userId: number,
    change: { grant: OrganizationPermission[]; revoke: OrganizationPermission[] },
  ): Promise<Membership> {
    await this.requirePermission(principal, { id: organizationId }, 'members.manage', "You don't have permission to manage members of this organization");
    return this.organizations.transaction(async (tx) => {
      const membership = await this.organizations.lockMembership(tx, organizationId, userId);
      if (!membership) throw new NotFoundError('member', userId);
      const permissions = new Set(membership.permissions);
      for (const permission of change.grant) permissions.add(permission);
      for (const permission of change.revoke) permissions.delete(permission);
      const next = [...permissions].sort();
      await this.organizations.setPermissions(tx, organizationId, userId, next);
      return Object.assign(membership, { permissions: next });
    });
  }

  private describeAccess(principal: Principal, organization: Organization, membership: Membership | null): OrganizationAccess {
    const isOwner = membership?.role === 'owner' || principal.user.isAdmin;
    const permissions = isOwner
      ? [...ORGANIZATION_PERMISSIONS]
      : ORGANIZATION_PERMISSIONS.filter((p) => membership?.permissions.includes(p));
    return { organization, membership, isOwner, permissions };
  }
}
