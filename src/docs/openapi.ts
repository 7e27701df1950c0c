import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ForemanModule } from '../foreman/foreman.module';
import { NextermModule } from '../nexterm/nexterm.module';
import { NorthflankModule } from '../northflank/northflank.module';
import { SshidModule } from '../sshid/sshid.module';

const DIALECTS = [
  {
    name: 'foreman',
    module: ForemanModule,
    title: 'sshid — Foreman API v2 (users and SSH keys)',
    description: "Foreman's `/api/users/:user_id/ssh_keys` resource, for hammer, apipie-bindings and curl.",
    auth: (builder: DocumentBuilder) => builder.addBasicAuth().addBearerAuth(),
  },
  {
    name: 'northflank',
    module: NorthflankModule,
    title: 'sshid — Northflank SSH identities',
    description: "Northflank's `/v1/integrations/ssh-identities` API; every success is HTTP 200 with `{data}`.",
    auth: (builder: DocumentBuilder) => builder.addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'API token' }),
  },
  {
    name: 'nexterm',
    module: NextermModule,
    title: 'sshid — Nexterm identities, accounts and organizations',
    description: "Nexterm's `/api/identities`, `/api/auth`, `/api/organizations` routes (and the documented singular paths).",
    auth: (builder: DocumentBuilder) => builder.addBearerAuth({ type: 'http', scheme: 'bearer', description: 'session token from /api/auth/login' }),
  },
  {
    name: 'sshid',
    module: SshidModule,
    title: "sshid — sshid's own API",
    description: 'Login, API tokens, bulk import and the identity restriction match, under `/api/sshid/v1`.',
    auth: (builder: DocumentBuilder) => builder.addBearerAuth(),
  },
] as const;

export type DialectName = (typeof DIALECTS)[number]['name'];

/**
 * One OpenAPI document per dialect, built from the controllers' and DTOs' decorators, served as Swagger UI at
 * `/docs/<dialect>` and as JSON at `/docs/<dialect>.json`.
 */
export function setupOpenApi(app: NestFastifyApplication, ui = true): void {
  for (const [name, document] of Object.entries(buildOpenApiDocuments(app))) {
    SwaggerModule.setup(`docs/${name}`, app, document, { ui, jsonDocumentUrl: `docs/${name}.json`, yamlDocumentUrl: `docs/${name}.yaml` });
  }
}

/** The documents of the dialects mounted in this application (all three in production). */
export function buildOpenApiDocuments(app: NestFastifyApplication, mounted?: unknown[]): Partial<Record<DialectName, OpenAPIObject>> {
  const documents: Partial<Record<DialectName, OpenAPIObject>> = {};
  for (const dialect of DIALECTS) {
    if (mounted && !mounted.includes(dialect.module)) continue;
    const builder = dialect.auth(new DocumentBuilder().setTitle(dialect.title).setDescription(dialect.description).setVersion('1'));
    documents[dialect.name] = SwaggerModule.createDocument(app, builder.build(), { include: [dialect.module] });
  }
  return documents;
}
