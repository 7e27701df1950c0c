import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type DeviceClientType = 'mobile' | 'connector' | 'web';

@Entity('device_codes')
export class DeviceCode {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'char', length: 9 })
  code: string;

  @Column({ name: 'poll_token_hash', type: 'char', length: 64 })
  pollTokenHash: string;

  @Column({ name: 'client_type', type: 'varchar', length: 16 })
  clientType: DeviceClientType;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ name: 'authorized_by', type: 'int', nullable: true })
  authorizedBy: number | null;

  /** The session token made for the device, sealed until the device collects it (then the row is deleted). */
  @Column({ name: 'session_token_secret', type: 'bytea', nullable: true, select: false })
  sessionTokenSecret: Buffer | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
