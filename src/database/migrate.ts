import { Logger } from '@nestjs/common';
import { DataSource, DataSourceOptions } from 'typeorm';

/** Advisory lock key every sshid instance takes while migrating ("sshi" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x73736869;

/**
 * Connects, then applies pending migrations while holding a PostgreSQL advisory lock: instances started together
 * on one database queue on the lock, the first migrates, the others find nothing left to do.
 */
export async function initializeWithMigrations(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    if (applied.length > 0) new Logger('Migrations').log(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockHolder.release().catch(() => undefined);
  }
  return dataSource;
}
