import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Every column that holds a sealed secret, by table. */
export const SEALED_COLUMNS: Record<string, string[]> = {
  identities: ['password_secret', 'private_key_secret', 'passphrase_secret'],
  device_codes: ['session_token_secret'],
};

export type SealedRow = Record<string, Buffer | null> & { id: string };

/** The rows holding sealed secrets, for re-encryption under a new key. Table and column names come from SEALED_COLUMNS only. */
@Injectable()
export class SealedSecretsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The table's rows with at least one sealed secret, row-locked for the rest of the transaction. */
  lockSealedRows(tx: EntityManager, table: string): Promise<SealedRow[]> {
    const columns = SEALED_COLUMNS[table];
    return tx.query(`SELECT id, ${columns.join(', ')} FROM ${table} WHERE ${columns.map((c) => `${c} IS NOT NULL`).join(' OR ')} FOR UPDATE`);
  }

  /** Writes a row's secrets, in SEALED_COLUMNS order. */
  async writeSealed(tx: EntityManager, table: string, id: string, values: Array<Buffer | null>): Promise<void> {
    const columns = SEALED_COLUMNS[table];
    await tx.query(`UPDATE ${table} SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...values]);
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
