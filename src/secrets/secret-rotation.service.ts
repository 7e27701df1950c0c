import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SecretBox } from './secret-box';

/** Every column that holds a sealed secret, by table. */
const SEALED_COLUMNS: Record<string, string[]> = {
  identities: ['password_secret', 'private_key_secret', 'passphrase_secret'],
  device_codes: ['session_token_secret'],
};

export interface RotationResult {
  rows: number;
  secrets: number;
}

/** Re-encrypts every stored secret under a new key, all in one transaction: either every secret moves or none. */
@Injectable()
export class SecretRotationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly current: SecretBox,
  ) {}

  async rotate(next: SecretBox): Promise<RotationResult> {
    return this.dataSource.transaction(async (tx) => {
      const result: RotationResult = { rows: 0, secrets: 0 };
      for (const [table, columns] of Object.entries(SEALED_COLUMNS)) {
        const rows: Array<Record<string, Buffer | null> & { id: string }> = await tx.query(
          `SELECT id, ${columns.join(', ')} FROM ${table} WHERE ${columns.map((c) => `${c} IS NOT NULL`).join(' OR ')} FOR UPDATE`,
        );
        for (const row of rows) {
          const resealed = columns.map((column) => (row[column] ? next.seal(this.current.open(row[column] as Buffer)) : null));
          await tx.query(
            `UPDATE ${table} SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`,
            [row.id, ...resealed],
          );
          result.rows += 1;
          result.secrets += resealed.filter((v) => v !== null).length;
        }
      }
      return result;
    });
  }
}
