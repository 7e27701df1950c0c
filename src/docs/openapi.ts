import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** One OpenAPI document: the module whose controllers it describes, and its title and authentication schemes. */
export interface OpenApiDocumentSpec {
  name: string;
  module: unknown;
  title: string;
  description: string;
  auth: (builder: DocumentBuilder) => DocumentBuilder;
}

/**
 * One OpenAPI document per dialect, built from the controllers' and DTOs' decorators, served as Swagger UI at
 * `/docs/<dialect>` and as JSON at `/docs/<dialect>.json`.
 */
export function setupOpenApi(app: NestFastifyApplication, specs: readonly OpenApiDocumentSpec[], ui = true): void {
  for (const [name, document] of Object.entries(buildOpenApiDocuments(app, specs))) {
    SwaggerModule.setup(`docs/${name}`, app, document, { ui, jsonDocumentUrl: `docs/${name}.json`, yamlDocumentUrl: `docs/${name}.yaml` });
  }
}

/** The documents whose modules are mounted in this application (`mounted` narrows them further). */
export function buildOpenApiDocuments(app: NestFastifyApplication, specs: readonly OpenApiDocumentSpec[], mounted?: unknown[]): Record<string, OpenAPIObject> {
  const documents: Record<string, OpenAPIObject> = {};
  for (const dialect of specs) {
    if (mounted && !mounted.includes(dialect.module)) continue;
    const builder = dialect.auth(new DocumentBuilder().setTitle(dialect.title).setDescription(dialect.description).setVersion('1'));
    documents[dialect.name] = SwaggerModule.createDocument(app, builder.build(), { include: [dialect.module as never] });
  }
  return documents;
}
