import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security keys (sk-*) were stored with the length of their application string (32); they now report the length
 * of the key material, like their plain siblings.
 */
export class SecurityKeyLength1764000000000 implements MigrationInterface {
  name = 'SecurityKeyLength1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE public_keys SET foreman_length = 256 WHERE key_type = 'sk-ssh-ed25519@openssh.com'`);
    await db.query(`UPDATE public_keys SET foreman_length = 520 WHERE key_type = 'sk-ecdsa-sha2-nistp256@openssh.com'`);
  }

  async down(): Promise<void> {
    // The old value was a defect; nothing to restore.
  }
}
