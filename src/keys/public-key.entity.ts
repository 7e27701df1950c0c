import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
// Type-only: the relation names its target by entity name, so the two entity files do not import each other.
import type { Identity } from '../identities/identity.entity';

/**
 * One public key. A user's personal key has `identityId` null; a key of an identity has it set
 * (and `userId` set too when the identity is personal).
 */
@Entity('public_keys')
export class PublicKey {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'int', nullable: true })
  userId: number | null;

  @Column({ name: 'identity_id', type: 'int', nullable: true })
  identityId: number | null;

  @ManyToOne('Identity', (identity: Identity) => identity.keys, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'identity_id' })
  identity?: Identity;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  /** The key line as the client sent it, surrounding whitespace removed. */
  @Column({ name: 'key_text', type: 'text' })
  keyText: string;

  @Column({ name: 'key_type', type: 'varchar', length: 64 })
  keyType: string;

  @Column({ type: 'int' })
  bits: number;

  /** `SHA256:` + unpadded base64, as ssh-keygen prints it. */
  @Column({ name: 'fingerprint_sha256', type: 'varchar', length: 60 })
  fingerprintSha256: string;

  @Column({ name: 'fingerprint_md5', type: 'varchar', length: 60 })
  fingerprintMd5: string;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  /** After this moment the key is never answered to an SSH server (it stays listed, marked expired). */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** When an SSH server last accepted the key (written at most once a minute). */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  /** Order of the keys inside one identity. */
  @Column({ type: 'int', default: 0 })
  position: number;

  /** True for the public half of an identity's stored private key (replaced whenever that key changes). */
  @Column({ type: 'boolean', default: false })
  derived: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
