import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';
import { AuditEvent } from './audit-event.entity';

/** Whose events a listing covers: one organization's, the user's personal ones, or both kinds together. */
export type AuditScope = { organizationId: number } | { personalOf: number } | { personalOf: number; organizationIds: number[] };

export interface AuditFilter {
  /** `*` matches anything. */
  action?: string;
  resource?: string;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

/** The audit log's queries. Events are only ever added. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts events in one statement, on the transaction's manager when given (they commit with the change). */
  async insert(rows: Array<Partial<AuditEvent>>, manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (rows.length === 0) return;
    await manager.getRepository(AuditEvent).insert(rows as never);
  }

  /** A page of events in the scope, newest first, and how many match. */
  @GenerateSql(
    { name: 'personal and organizations, by action', params: (f) => [{ personalOf: f.userId, organizationIds: [f.organizationId] }, { action: 'identity.*', limit: 50, offset: 0 }] },
    { name: "one organization's, in a period", params: (f) => [{ organizationId: f.organizationId }, { since: new Date('2026-01-01T00:00:00Z'), until: new Date('2027-01-01T00:00:00Z'), limit: 50, offset: 0 }] },
  )
  async list(scope: AuditScope, filter: AuditFilter): Promise<{ events: AuditEvent[]; total: number }> {
    const qb = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e');
    if ('organizationId' in scope) qb.where('e.organization_id = :org', { org: scope.organizationId });
    else if ('organizationIds' in scope) {
      qb.where('((e.organization_id IS NULL AND e.actor_user_id = :me) OR e.organization_id = ANY(:orgs::int[]))', { me: scope.personalOf, orgs: scope.organizationIds });
    } else qb.where('e.organization_id IS NULL AND e.actor_user_id = :me', { me: scope.personalOf });
    if (filter.action) qb.andWhere('e.action LIKE :action', { action: filter.action.replace(/[%_]/g, '\\$&').replace(/\*/g, '%') });
    if (filter.resource) qb.andWhere('e.resource = :resource', { resource: filter.resource });
    if (filter.since) qb.andWhere('e.created_at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('e.created_at <= :until', { until: filter.until });
    const [events, total] = await qb.orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'DESC').take(filter.limit).skip(filter.offset).getManyAndCount();
    return { events, total };
  }
}
