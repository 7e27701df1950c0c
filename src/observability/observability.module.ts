import { createServer, Server } from 'node:http';
import { DynamicModule, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance } from 'fastify';
import { AppConfig } from '../config/app-config';
import { MetricsController } from './metrics.controller';
import { EMBEDDED_POSTGRES_STATUS, EmbeddedPostgresStatus, MetricsService } from './metrics.service';

/**
 * Counts every answered request, and serves the metrics on a port of their own when SSHID_METRICS_PORT is set
 * (otherwise `/metrics` on the API port, behind SSHID_METRICS_TOKEN; see the health controller).
 */
@Module({})
export class ObservabilityModule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private server?: Server;

  static forRoot(embeddedPostgres?: EmbeddedPostgresStatus): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [MetricsService, { provide: EMBEDDED_POSTGRES_STATUS, useValue: embeddedPostgres ?? null }],
      exports: [MetricsService],
    };
  }

  constructor(
    private readonly metrics: MetricsService,
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onResponse', (request, reply, done) => {
      this.metrics.observe(request, reply);
      done();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.SSHID_METRICS_PORT;
    if (port === undefined) return;
    this.server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.metrics.render().then(
        (text) => response.writeHead(200, { 'Content-Type': this.metrics.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, this.config.SSHID_METRICS_HOST, () => resolve());
    });
    const address = this.server.address();
    new Logger('Metrics').log(`Metrics on http://${this.config.SSHID_METRICS_HOST}:${typeof address === 'object' && address ? address.port : port}/metrics`);
  }

  /** The port the separate metrics listener got (tests ask for port 0). */
  metricsPort(): number | null {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : null;
  }

  async onModuleDestroy(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
