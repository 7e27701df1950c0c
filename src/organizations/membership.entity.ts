import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../users/user.entity';
import { Organization } from './organization.entity';

export type MembershipRole = 'owner' | 'member';
export type MembershipStatus = 'pending' | 'active';

@Entity('organization_members')
export class Membership {
  @PrimaryColumn({ name: 'organization_id', type: 'int' })
  organizationId: number;

  @PrimaryColumn({ name: 'user_id', type: 'int' })
  userId: number;

  @Column({ type: 'varchar', length: 16 })
  role: MembershipRole;

  @Column({ type: 'varchar', length: 16 })
  status: MembershipStatus;

  /** Organization-scope grants (e.g. `identities.manage`); owners hold every one implicitly. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  permissions: string[];

  @Column({ name: 'invited_by', type: 'int', nullable: true })
  invitedBy: number | null;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
