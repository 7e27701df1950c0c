import { randomUUID } from 'node:crypto';
import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import { AppModule } from './app.module';
import { OpenApiDocumentSpec, setupOpenApi } from './docs/openapi';
import { AppConfig, trustProxySetting } from './config/app-config';
import { FastifyInstance } from 'fastify';
import { useSecurityHeaders } from './common/security-headers';
import { createLogger, PinoNestLogger, useRequestLogging } from './observability/logging';
import { EmbeddedPostgresStatus } from './observability/metrics.service';

/** Builds the Nest application on Fastify, ready to `listen` (main) or to be driven by supertest (tests). */
export interface CreateAppOptions {
  dialects?: DynamicModule['imports'];
  logStream?: { write(line: string): void };
  /**
   * Serve the OpenAPI documents under /docs (needs all three dialects mounted), with Swagger UI unless `ui` is false
   * (jest cannot load the ES-module dependencies of the static file server behind the UI).
   */
  docs?: { ui: boolean; documents: readonly OpenApiDocumentSpec[] };
  /** The embedded PostgreSQL's supervisor (its restarts are a metric). */
  embeddedPostgres?: EmbeddedPostgresStatus;
}

export async function createApp(config: AppConfig, databaseUrl: string, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const { dialects = [], logStream, docs, embeddedPostgres } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    trustProxy: trustProxySetting(config),
    // Long ids must reach the controllers, which answer in the dialect's shape (Fastify's own 414 would not).
    routerOptions: { maxParamLength: 8192 },
    // A caller's X-Request-Id is kept (when sane) so logs can be matched across services; otherwise a UUID.
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
  });
  const routes: string[] = [];
  adapter.getInstance().addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  routeInventories.set(adapter.getInstance(), routes);
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, databaseUrl, dialects, embeddedPostgres }), adapter, {
    bufferLogs: true,
    // sshid registers its own JSON parser (below).
    bodyParser: false,
  });
  const logger = createLogger(config, logStream);
  app.useLogger(new PinoNestLogger(logger));
  useRequestLogging(adapter.getInstance(), logger);
  // Nexterm's state stream (/api/ws/state) rides on the same HTTP server, through Nest's ws adapter.
  app.useWebSocketAdapter(new WsAdapter(app));
  useLenientJsonParser(adapter.getInstance());
  useSecurityHeaders(app);
  if (docs) setupOpenApi(app, docs.documents, docs.ui);
  return app;
}

const routeInventories = new WeakMap<object, string[]>();

/** Every `METHOD /path` the application serves (the isolation matrix checks that each one is listed). */
export function registeredRoutes(app: NestFastifyApplication): string[] {
  return [...(routeInventories.get(app.getHttpAdapter().getInstance()) ?? [])];
}

/**
 * JSON bodies, where an empty body counts as none: real clients (Northflank's) send `Content-Type: application/json`
 * on GET and DELETE without a body.
 */
function useLenientJsonParser(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      const parseError = error as Error & { statusCode?: number; code?: string };
      parseError.statusCode = 400;
      parseError.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(parseError, undefined);
    }
  });
}
