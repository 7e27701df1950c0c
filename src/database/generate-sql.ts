import type { EntityManager } from 'typeorm';

/**
 * Marks a repository method whose SQL is written to `sql/<repository>.sql` (`npm run sql:sync`), so a reviewer reads
 * each query as SQL and a change to one shows in the diff; `test/database/sql-queries.spec.ts` fails when a file and
 * the code drift apart. Each example names a case and gives the arguments it is called with, from a small fixture of
 * rows the sync creates (so a method runs its whole path), and a transaction it runs in when it takes one.
 */
export interface SqlFixture {
  transaction: EntityManager;
  userId: number;
  login: string;
  organizationId: number;
  identityId: number;
  identitySlug: string;
  keyId: number;
  fingerprint: string;
  sessionId: string;
  /** A parsed key stored nowhere yet, as the key columns of a new row. */
  newKey: { keyText: string; keyType: string; bits: number; fingerprintSha256: string; fingerprintMd5: string };
}

export interface SqlExample {
  name: string;
  params: (fixture: SqlFixture) => unknown[];
}

export interface GeneratedSqlMethod {
  method: string;
  examples: SqlExample[];
}

const registry = new Map<Function, GeneratedSqlMethod[]>();

export function GenerateSql(...examples: SqlExample[]): MethodDecorator {
  return (target, method) => {
    const repository = target.constructor;
    const methods = registry.get(repository) ?? [];
    methods.push({ method: String(method), examples });
    registry.set(repository, methods);
  };
}

/** The methods of a repository marked with @GenerateSql, in the order they are written. */
export function generatedSqlMethods(repository: Function): GeneratedSqlMethod[] {
  return registry.get(repository) ?? [];
}
