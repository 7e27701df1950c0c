import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { DialectPresenterRegistry } from '../common/dialect-exception.filter';

/** What the embedded PostgreSQL's supervisor reports (absent with DATABASE_URL). */
export interface EmbeddedPostgresStatus {
  restarts(): number;
}
export const EMBEDDED_POSTGRES_STATUS = Symbol('EMBEDDED_POSTGRES_STATUS');

interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * Prometheus metrics through prom-client (the maintained Node client): requests and latency by dialect, route
 * pattern and status; the database pool; restarts of the embedded PostgreSQL; the process defaults (CPU, memory,
 * event-loop lag). Route labels are Fastify's route patterns, so their number is bounded.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests: Counter<'dialect' | 'route' | 'method' | 'status'>;
  private readonly latency: Histogram<'dialect' | 'route' | 'method'>;
  private readonly dialects = new Map<string, string>();

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Optional() @Inject(EMBEDDED_POSTGRES_STATUS) embedded: EmbeddedPostgresStatus | null,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'sshid_' });
    this.requests = new Counter({
      name: 'sshid_http_requests_total',
      help: 'HTTP requests answered, by dialect, route pattern, method and status',
      labelNames: ['dialect', 'route', 'method', 'status'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'sshid_http_request_duration_seconds',
      help: 'Time to answer, by dialect, route pattern and method',
      labelNames: ['dialect', 'route', 'method'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'sshid_db_pool_connections',
      help: 'Database pool connections by state (in_use, idle, waiting for a connection)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const pool = (dataSource.driver as unknown as { master?: PoolCounts }).master;
        if (!pool) return;
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    new Gauge({
      name: 'sshid_embedded_postgres_restarts_total',
      help: 'Restarts of the embedded PostgreSQL after it died (0 with DATABASE_URL)',
      registers: [this.registry],
      collect() {
        this.set(embedded?.restarts() ?? 0);
      },
    });
  }

  /** Called once per answered request (Fastify's onResponse). */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions?.url ?? 'unmatched';
    const method = request.method;
    const key = `${method} ${route}`;
    let dialect = this.dialects.get(key);
    if (dialect === undefined) {
      dialect = route === 'unmatched' ? 'none' : DialectPresenterRegistry.forRequest(route, method).name;
      this.dialects.set(key, dialect);
    }
    this.requests.inc({ dialect, route, method, status: String(reply.statusCode) });
    this.latency.observe({ dialect, route, method }, reply.elapsedTime / 1000);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
