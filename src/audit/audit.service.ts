import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Principal } from '../auth/principal';
import { AuditEvent } from './audit-event.entity';
import { AuditFilter, AuditRepository, AuditScope } from './audit.repository';

export interface AuditEntry {
  action: string;
  resource: string;
  resourceId?: string | number | null;
  resourceName?: string | null;
  organizationId?: number | null;
  /** Never secrets: callers pass names and flags only. */
  details?: Record<string, unknown>;
}

/** A listing's filter, and whose events: one organization's, the caller's personal ones, or (unset) both. */
export interface AuditQuery extends AuditFilter {
  organizationId?: number | 'personal';
}

@Injectable()
export class AuditService {
  constructor(private readonly events: AuditRepository) {}

  /** Records an event; pass the transaction's manager so the event commits or rolls back with the change. */
  async record(principal: Principal, entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await this.events.insert([rowOf(principal, entry)], manager);
  }

  /**
   * Many events in one statement (bulk paths such as seeding); `principal` null is the operator at the command
   * line, recorded without an actor.
   */
  async recordMany(principal: Principal | null, entries: AuditEntry[], manager: EntityManager): Promise<void> {
    await this.events.insert(entries.map((entry) => rowOf(principal, entry)), manager);
  }

  /**
   * Events of the given organizations (already authorised by the caller) plus the caller's own personal events.
   */
  list(principal: Principal, visibleOrganizationIds: number[], query: AuditQuery): Promise<{ events: AuditEvent[]; total: number }> {
    const me = principal.user.id;
    const scope: AuditScope =
      query.organizationId === 'personal'
        ? { personalOf: me }
        : query.organizationId !== undefined
          ? { organizationId: query.organizationId }
          : { personalOf: me, organizationIds: visibleOrganizationIds };
    return this.events.list(scope, query);
  }
}

/** An audit row: who (none for the operator at the command line), from where, what. */
function rowOf(principal: Principal | null, entry: AuditEntry): Partial<AuditEvent> {
  return {
    actorUserId: principal?.user.id ?? null,
    organizationId: entry.organizationId ?? null,
    action: entry.action,
    resource: entry.resource,
    resourceId: entry.resourceId == null ? null : String(entry.resourceId),
    resourceName: entry.resourceName ?? null,
    ip: principal?.ip ?? null,
    userAgent: principal?.userAgent ?? null,
    details: (entry.details ?? {}) as never,
  };
}
