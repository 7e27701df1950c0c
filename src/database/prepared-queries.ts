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
  private generation = 0;
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
    if (!this.named) return (await this.pool.query<T>({ text, values })).rows;
    try {
      return (await this.pool.query<T>({ name: this.nameOf(text), text, values })).rows;
    } catch (error) {
      // A migration run by another instance changed what a prepared statement returns: PostgreSQL refuses the old
      // plan ("cached plan must not change result type") on every connection that prepared it. The statement is
      // renamed, so each connection prepares it afresh, and the read is run again.
      if ((error as { code?: string }).code !== CACHED_PLAN_CHANGED) throw error;
      const renamed = this.freshName(text);
      this.names.set(text, renamed);
      return (await this.pool.query<T>({ name: renamed, text, values })).rows;
    }
  }

  private nameOf(text: string): string {
    let name = this.names.get(text);
    if (!name) {
      name = this.freshName(text);
      this.names.set(text, name);
    }
    return name;
  }

  private freshName(text: string): string {
    this.generation += 1;
    return `sshid_${createHash('sha256').update(text).digest('hex').slice(0, 24)}_${this.generation}`;
  }
}

/** SQLSTATE feature_not_supported, which PostgreSQL raises when a prepared statement's result type changed. */
const CACHED_PLAN_CHANGED = '0A000';
