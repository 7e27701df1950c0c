import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { makeApiSpec, makeResponse, ErrorCode } from 'openapi-validator';
import { DIALECT_DOCUMENTS } from '../../src/dialects';
import { buildOpenApiDocuments } from '../../src/docs/openapi';

type DialectName = 'foreman' | 'northflank' | 'nexterm';
import { foremanErrorPresenter } from '../../src/foreman/foreman-error.presenter';
import { nextermErrorPresenter } from '../../src/nexterm/nexterm-error.presenter';
import { northflankErrorPresenter } from '../../src/northflank/northflank-error.presenter';

export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  payload: string;
}

function dialectOf(path: string, method: string): DialectName | null {
  if (northflankErrorPresenter.owns(path, method)) return 'northflank';
  if (path.startsWith('/apidoc')) return null;
  if (foremanErrorPresenter.owns(path, method)) return 'foreman';
  if (nextermErrorPresenter.owns(path, method)) return 'nexterm';
  return null;
}

/**
 * Checks every answer a test app gave against the OpenAPI document of its dialect: an undocumented status, a body
 * that does not match its schema, or an answered route missing from the document is drift. Unknown routes (404 for
 * a path no document has) are not.
 */
export function findDrift(app: NestFastifyApplication, mounted: unknown[], responses: RecordedResponse[]): string[] {
  const specs = Object.fromEntries(Object.entries(buildOpenApiDocuments(app, DIALECT_DOCUMENTS, mounted)).map(([name, doc]) => [name, makeApiSpec(doc as never)]));
  const drift = new Set<string>();
  for (const response of responses) {
    const [path] = response.url.split('?');
    const dialect = dialectOf(path, response.method);
    const spec = dialect ? specs[dialect] : undefined;
    if (!spec) continue;
    let body: unknown = response.payload;
    try {
      body = JSON.parse(response.payload);
    } catch {
      // Not JSON: validated as text, which a JSON schema will refuse.
    }
    // The validator takes the first template that matches, and `/teams/{teamId}/…/{identityId}` shadows the team
    // `/match` route; the account form of the path has the same operation and schema.
    const requestPath = response.url.replace(/^\/v1\/teams\/[^/]+\/integrations\/ssh-identities\/match/, '/v1/integrations/ssh-identities/match');
    const actual = makeResponse({ status: response.status, body, text: response.payload, req: { method: response.method, path: requestPath } } as never);
    const error = spec.validateResponse(actual);
    if (!error) continue;
    const routeMissing = error.code === ErrorCode.PathNotFound || error.code === ErrorCode.MethodNotFound;
    // Unknown routes answer 404; paths full of escapes (from the fuzz tests) are beyond the validator's path matching.
    if (routeMissing && (response.status === 404 || !/^[\w/.\-]*$/.test(path))) continue;
    drift.add(`${response.method} ${path.replace(/\/\d+(?=\/|$)/g, '/:n').slice(0, 120)} ${response.status}: [${ErrorCode[error.code]}] ${error.message.split('\n')[0].slice(0, 200)}`);
  }
  return [...drift];
}
