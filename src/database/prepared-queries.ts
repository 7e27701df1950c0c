import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AppConfig } from '../config/app-config';

/**
 * Runs the reads made on every request (the credential lookup, the list and get routes) as named prepared
 * statements on TypeORM's own pool. PostgreSQL then parses and plans each statement once per connection instead of
 * on every request, and the request skips the ORM's query-runner round (acquire, log, release: ≈ 25 µs). Measured:
 * on two shared cores the database's parse and plan time showed up in sshid's own profile, as time spent in the
 * socket write while PostgreSQL ran.
 *
 * SSHID_PREPARED_STATEMENTS=false sends them unnamed (for poolers that cannot carry prepared statements).
 * Only fixed statement texts belong here: the name is derived from the text, so each variant of a dynamic statement
 * is prepared on its own. Statements still reach the data source's logger, so `sql/` sees them.
 */
@Injectable()
export class PreparedQueries {
  private readonly names = new Map<string, string>();

  private readonly named: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.named = config.SSHID_PREPARED_STATEMENTS;
  }

  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  async rows<T extends QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    this.dataSource.logger.logQuery(text, values);
    const result = await this.pool.query<T>(this.named ? { name: this.nameOf(text), text, values } : { text, values });
    return result.rows;
  }

  private nameOf(text: string): string {
    let name = this.names.get(text);
    if (!name) {
      name = `sshid_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      this.names.set(text, name);
    }
    return name;
  }
}
