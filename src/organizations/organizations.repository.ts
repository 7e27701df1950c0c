import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';
import { User } from '../users/user.entity';
import { Membership } from './membership.entity';
import { Organization } from './organization.entity';

/** Every query on organizations and memberships; membership methods name the organization and the user. */
@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get organizations() {
    return this.dataSource.getRepository(Organization);
  }

  private get memberships() {
    return this.dataSource.getRepository(Membership);
  }

  /** The organization and its owner's active membership, in one transaction. */
  insertWithOwner(values: { slug: string; name: string; description: string | null }, ownerId: number): Promise<Organization> {
    return this.dataSource.transaction(async (tx) => {
      const organization = await tx.save(tx.create(Organization, values));
      await tx.save(tx.create(Membership, { organizationId: organization.id, userId: ownerId, role: 'owner', status: 'active', permissions: [], invitedBy: null }));
      return organization;
    });
  }

  @GenerateSql({ name: 'by slug', params: () => ['sql-organization'] })
  findBySlug(slug: string): Promise<Organization | null> {
    return this.organizations.findOne({ where: { slug: slug.toLowerCase() } });
  }

  findById(id: number): Promise<Organization | null> {
    return this.organizations.findOne({ where: { id } });
  }

  async update(id: number, changes: { name?: string; description?: string | null }): Promise<void> {
    await this.organizations.update({ id }, changes);
  }

  /** Memberships and organization identities go with it (foreign keys cascade). */
  async delete(id: number): Promise<void> {
    await this.organizations.delete({ id });
  }

  /** Which of these users are active members of the organization (one query, however many users). */
  @GenerateSql({ name: 'two users', params: (f) => [f.organizationId, [f.userId, 0]] })
  async activeMembersAmong(organizationId: number, userIds: number[]): Promise<number[]> {
    if (userIds.length === 0) return [];
    const rows = await this.memberships.find({ select: { userId: true }, where: { organizationId, userId: In(userIds), status: 'active' } });
    return rows.map((row) => row.userId);
  }

  /** The user's active memberships, with their organizations. */
  activeMembershipsOf(userId: number): Promise<Membership[]> {
    return this.memberships.find({ where: { userId, status: 'active' }, relations: { organization: true }, order: { organizationId: 'ASC' } });
  }

  /** The user's membership in the organization, whatever its status. */
  @GenerateSql({ name: 'one member', params: (f) => [f.organizationId, f.userId] })
  membership(organizationId: number, userId: number): Promise<Membership | null> {
    return this.memberships.findOne({ where: { organizationId, userId } });
  }

  activeMembership(organizationId: number, userId: number): Promise<Membership | null> {
    return this.memberships.findOne({ where: { organizationId, userId, status: 'active' } });
  }

  /** Every membership of the organization, oldest first, with its user. */
  membersWithUsers(organizationId: number): Promise<Membership[]> {
    return this.memberships.find({ where: { organizationId }, relations: { user: true }, order: { createdAt: 'ASC' } });
  }

  async insertInvitation(organizationId: number, userId: number, invitedBy: number): Promise<void> {
    await this.memberships.insert({ organizationId, userId, role: 'member', status: 'pending', permissions: [], invitedBy });
  }

  /** The user's pending invitations with their organizations and whoever invited them. */
  async pendingInvitationsOf(userId: number): Promise<Array<{ membership: Membership; inviter: User | null }>> {
    const rows = await this.memberships.find({ where: { userId, status: 'pending' }, relations: { organization: true } });
    const inviterIds = rows.map((r) => r.invitedBy).filter((v): v is number => v !== null);
    const inviters = inviterIds.length ? await this.dataSource.getRepository(User).findBy({ id: In(inviterIds) }) : [];
    return rows.map((membership) => ({ membership, inviter: inviters.find((u) => u.id === membership.invitedBy) ?? null }));
  }

  /** Accepts (activates) or declines (deletes) the user's pending invitation; false when there is none. */
  async answerInvitation(organizationId: number, userId: number, accept: boolean): Promise<boolean> {
    const criteria = { organizationId, userId, status: 'pending' as const };
    const result = accept ? await this.memberships.update(criteria, { status: 'active' }) : await this.memberships.delete(criteria);
    return (result.affected ?? 0) > 0;
  }

  async deleteMembership(organizationId: number, userId: number): Promise<void> {
    await this.memberships.delete({ organizationId, userId });
  }

  /** The membership row-locked for the rest of the transaction. */
  @GenerateSql({ name: 'in a transaction', params: (f) => [f.transaction, f.organizationId, f.userId] })
  lockMembership(tx: EntityManager, organizationId: number, userId: number): Promise<Membership | null> {
    return tx
      .getRepository(Membership)
      .createQueryBuilder('m')
      .where('m.organization_id = :organizationId AND m.user_id = :userId', { organizationId, userId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async setPermissions(tx: EntityManager, organizationId: number, userId: number, permissions: string[]): Promise<void> {
    await tx.update(Membership, { organizationId, userId }, { permissions });
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
