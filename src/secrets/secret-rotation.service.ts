import { Injectable } from '@nestjs/common';
import { SealedSecretsRepository, SEALED_COLUMNS } from './sealed-secrets.repository';
import { SecretBox } from './secret-box';

export interface RotationResult {
  rows: number;
  secrets: number;
}

/** Re-encrypts every stored secret under a new key, all in one transaction: either every secret moves or none. */
@Injectable()
export class SecretRotationService {
  constructor(
    private readonly sealed: SealedSecretsRepository,
    private readonly current: SecretBox,
  ) {}

  async rotate(next: SecretBox): Promise<RotationResult> {
    return this.sealed.transaction(async (tx) => {
      const result: RotationResult = { rows: 0, secrets: 0 };
      for (const [table, columns] of Object.entries(SEALED_COLUMNS)) {
        for (const row of await this.sealed.lockSealedRows(tx, table)) {
          const resealed = columns.map((column) => (row[column] ? next.seal(this.current.open(row[column] as Buffer)) : null));
          await this.sealed.writeSealed(tx, table, row.id, resealed);
          result.rows += 1;
          result.secrets += resealed.filter((v) => v !== null).length;
        }
      }
      return result;
    });
  }
}
