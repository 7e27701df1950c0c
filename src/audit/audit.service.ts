import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Principal } from '../auth/principal';
import { AuditEvent } from './audit-event.entity';

export interface AuditEntry {
  action: string;
  resource: string;
  resourceId?: string | number | null;
  resourceName?: string | null;
  organizationId?: number | null;
  /** Never secrets: callers pass names and flags only. */
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  organizationId?: number | 'personal';
  action?: string;
  resource?: string;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  /** Records an event; pass the transaction's manager so the event commits or rolls back with the change. */
  async record(principal: Principal, entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const repository = manager ? manager.getRepository(AuditEvent) : this.events;
    await repository.insert({
      actorUserId: principal.user.id,
      organizationId: entry.organizationId ?? null,
      action: entry.action,
      resource: entry.resource,
      resourceId: entry.resourceId == null ? null : String(entry.resourceId),
      resourceName: entry.resourceName ?? null,
      ip: principal.ip ?? null,
      userAgent: principal.userAgent ?? null,
      details: (entry.details ?? {}) as AuditEvent['details'] & object as never,
    });
  }

  /**
   * Many events in one statement (bulk paths such as seeding); `principal` null is the operator at the command
   * line, recorded without an actor.
   */
  async recordMany(principal: Principal | null, entries: AuditEntry[], manager: EntityManager): Promise<void> {
    if (entries.length === 0) return;
    await manager.getRepository(AuditEvent).insert(
      entries.map((entry) => ({
        actorUserId: principal?.user.id ?? null,
        organizationId: entry.organizationId ?? null,
        action: entry.action,
        resource: entry.resource,
        resourceId: entry.resourceId == null ? null : String(entry.resourceId),
        resourceName: entry.resourceName ?? null,
        ip: principal?.ip ?? null,
        userAgent: principal?.userAgent ?? null,
        details: (entry.details ?? {}) as never,
      })),
    );
  }

  /**
   * Events of the given organizations (already authorised by the caller) plus the caller's own personal events.
   */
  async list(
    principal: Principal,
    visibleOrganizationIds: number[],
    query: AuditQuery,
  ): Promise<{ events: AuditEvent[]; total: number }> {
    const qb = this.events.createQueryBuilder('e');
    if (query.organizationId === 'personal') {
      qb.where('e.organization_id IS NULL AND e.actor_user_id = :me', { me: principal.user.id });
    } else if (query.organizationId !== undefined) {
      qb.where('e.organization_id = :org', { org: query.organizationId });
    } else {
      qb.where(
        '((e.organization_id IS NULL AND e.actor_user_id = :me) OR e.organization_id = ANY(:orgs::int[]))',
        { me: principal.user.id, orgs: visibleOrganizationIds },
      );
    }
    if (query.action) qb.andWhere('e.action LIKE :action', { action: query.action.replace(/[%_]/g, '\\$&').replace(/\*/g, '%') });
    if (query.resource) qb.andWhere('e.resource = :resource', { resource: query.resource });
    if (query.since) qb.andWhere('e.created_at >= :since', { since: query.since });
    if (query.until) qb.andWhere('e.created_at <= :until', { until: query.until });
    const [events, total] = await qb
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .take(query.limit)
      .skip(query.offset)
      .getManyAndCount();
    return { events, total };
  }
}
