import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';
import { DeviceCode } from './device-code.entity';

/** The queries of the device-code login; codes compare in upper case, unexpired ones only. */
@Injectable()
export class DeviceCodesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async deleteExpired(): Promise<void> {
    await this.dataSource.getRepository(DeviceCode).delete({ expiresAt: LessThan(new Date()) });
  }

  /** Inserts the code unless it is taken; false when it was. */
  async insertUnlessTaken(values: Pick<DeviceCode, 'code' | 'pollTokenHash' | 'clientType' | 'ip' | 'userAgent' | 'expiresAt'>): Promise<boolean> {
    const inserted = await this.dataSource.getRepository(DeviceCode).createQueryBuilder().insert().values(values).orIgnore().execute();
    return inserted.identifiers.length > 0 && inserted.raw.length > 0;
  }

  @GenerateSql({ name: 'a code', params: () => ['ABCD-EFGH'] })
  findByCode(code: string): Promise<DeviceCode | null> {
    return this.byCode(this.dataSource.manager, code).getOne();
  }

  /** The unexpired code, row-locked for the rest of the transaction. */
  lockByCode(tx: EntityManager, code: string): Promise<DeviceCode | null> {
    return this.byCode(tx, code).setLock('pessimistic_write').getOne();
  }

  /** The unexpired code the poll token belongs to, with its sealed session token, row-locked. */
  @GenerateSql({ name: 'in a transaction', params: (f) => [f.transaction, '0'.repeat(64)] })
  lockByPollTokenHash(tx: EntityManager, pollTokenHash: string): Promise<DeviceCode | null> {
    return tx
      .getRepository(DeviceCode)
      .createQueryBuilder('d')
      .addSelect('d.sessionTokenSecret')
      .where('d.poll_token_hash = :hash AND d.expires_at > now()', { hash: pollTokenHash })
      .setLock('pessimistic_write')
      .getOne();
  }

  async setAuthorized(tx: EntityManager, id: string, userId: number, sessionTokenSecret: Buffer): Promise<void> {
    await tx.update(DeviceCode, { id }, { authorizedBy: userId, sessionTokenSecret });
  }

  async delete(tx: EntityManager, id: string): Promise<void> {
    await tx.delete(DeviceCode, { id });
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private byCode(manager: EntityManager, code: string) {
    return manager.getRepository(DeviceCode).createQueryBuilder('d').where('d.code = :code AND d.expires_at > now()', { code: code.toUpperCase() });
  }
}
