import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { PublicKey } from '../keys/public-key.entity';

export const IDENTITY_TYPES = ['password', 'ssh', 'both', 'password-only'] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];

export interface RestrictionSet {
  enabled?: boolean;
  items?: string[];
}
export interface IdentityRestrictions {
  projects?: RestrictionSet;
  tags?: RestrictionSet & { matchCondition?: 'and' | 'or' };
}

@Entity('identities')
export class Identity {
  @PrimaryGeneratedColumn()
  id: number;

  /** Slug unique within the owner (user or organization): how URLs name the identity. */
  @Column({ type: 'varchar', length: 39 })
  slug: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  username: string | null;

  @Column({ type: 'varchar', length: 16 })
  type: IdentityType;

  /** Set for a personal identity; exactly one of ownerUserId / organizationId is set (checked in the database). */
  @Column({ name: 'owner_user_id', type: 'int', nullable: true })
  ownerUserId: number | null;

  @Column({ name: 'organization_id', type: 'int', nullable: true })
  organizationId: number | null;

  @Column({ name: 'created_by', type: 'int', nullable: true })
  createdBy: number | null;

  @Column({ name: 'password_secret', type: 'bytea', nullable: true, select: false })
  passwordSecret: Buffer | null;

  @Column({ name: 'private_key_secret', type: 'bytea', nullable: true, select: false })
  privateKeySecret: Buffer | null;

  @Column({ name: 'passphrase_secret', type: 'bytea', nullable: true, select: false })
  passphraseSecret: Buffer | null;

  @Column({ type: 'jsonb' })
  restrictions: IdentityRestrictions;

  @OneToMany(() => PublicKey, (key) => key.identity)
  keys?: PublicKey[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}
