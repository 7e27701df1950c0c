import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { format } from 'sql-formatter';
import { DataSource, Logger } from 'typeorm';
import { KeyService } from '../../src/keys/key.service';
import { DEFAULT_RESTRICTIONS } from '../../src/identities/identity-rules';
import { GeneratedSqlMethod, generatedSqlMethods, SqlFixture } from '../../src/database/generate-sql';
import { freshEd25519PublicKey } from '../fixtures/keys';
import { ROOT } from '../support/server-process';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The SQL of every @GenerateSql repository method, as PostgreSQL receives it, is checked in under `sql/` so reviewers
 * read queries as SQL. This suite runs each example against a real database and fails when a file differs from what
 * the code sends; `npm run sql:sync` (SSHID_WRITE_SQL=1) rewrites the files instead.
 */
const WRITE = process.env.SSHID_WRITE_SQL === '1';
const SQL_DIR = join(ROOT, 'sql');

function repositoryFiles(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? repositoryFiles(join(dir, entry.name)) : entry.name.endsWith('.repository.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every repository class with @GenerateSql methods, by source file. */
function repositories(): Array<{ file: string; repository: Function; methods: GeneratedSqlMethod[] }> {
  return repositoryFiles().flatMap((file) =>
    Object.values(require(file) as Record<string, unknown>)
      .filter((value): value is Function => typeof value === 'function' && generatedSqlMethods(value).length > 0)
      .map((repository) => ({ file, repository, methods: generatedSqlMethods(repository) })),
  );
}

/** Records what the data source sends while an example runs. */
class RecordingLogger implements Logger {
  queries: string[] = [];
  logQuery(query: string) {
    this.queries.push(query);
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

function pretty(sql: string): string {
  return `${format(sql, { language: 'postgresql', keywordCase: 'upper', tabWidth: 2 }).trim()};`;
}

describe('checked-in SQL (sql/*.sql)', () => {
  let t: TestApp;
  let fixture: Omit<SqlFixture, 'transaction'>;

  beforeAll(async () => {
    t = await startTestApp();
    const user = await t.createUser('sql-owner');
    const organization = await t.createOrganization(user, 'SQL Organization');
    const [identity] = await t.dataSource.query(
      `INSERT INTO identities (slug, name, type, owner_user_id, username, restrictions) VALUES ('sql-identity', 'SQL', 'ssh', $1, 'deploy', $2) RETURNING id`,
      [user.id, JSON.stringify(DEFAULT_RESTRICTIONS)],
    );
    const keys = t.get(KeyService);
    const stored = keys.parsePublicKey(freshEd25519PublicKey());
    const [row] = await t.dataSource.query(
      `INSERT INTO public_keys (user_id, identity_id, key_text, key_type, bits, fingerprint_sha256, fingerprint_md5, position) VALUES ($1, $2, $3, $4, $5, $6, $7, 0) RETURNING id`,
      [user.id, identity.id, stored.openssh, stored.type, stored.bits, stored.fingerprintSha256, stored.fingerprintMd5],
    );
    const spare = keys.parsePublicKey(freshEd25519PublicKey());
    const newKey = { keyText: spare.openssh, keyType: spare.type, bits: spare.bits, fingerprintSha256: spare.fingerprintSha256, fingerprintMd5: spare.fingerprintMd5 };
    const [session] = await t.dataSource.query(`INSERT INTO sessions (user_id, token_hash) VALUES ($1, $2) RETURNING id`, [user.id, 'f'.repeat(64)]);
    fixture = { userId: user.id, login: user.login, organizationId: organization.id, identityId: identity.id, identitySlug: 'sql-identity', keyId: row.id, fingerprint: stored.fingerprintSha256, sessionId: session.id, newKey };
  });
  afterAll(() => t.close());

  async function sqlOf(dataSource: DataSource, repository: Function, method: GeneratedSqlMethod): Promise<string[]> {
    const instance = t.app.get(repository, { strict: false }) as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const sections: string[] = [];
    for (const example of method.examples) {
      const recorder = new RecordingLogger();
      const original = dataSource.logger;
      Object.assign(dataSource, { logger: recorder });
      try {
        // Each example runs in a transaction that is rolled back, so examples do not change the fixture.
        await dataSource
          .transaction(async (transaction) => {
            recorder.queries = [];
            await instance[method.method](...example.params({ ...fixture, transaction }));
            throw ROLLBACK;
          })
          .catch((error) => {
            if (error !== ROLLBACK) throw error;
          });
      } finally {
        Object.assign(dataSource, { logger: original });
      }
      const statements = recorder.queries.filter((q) => !/^(START TRANSACTION|COMMIT|ROLLBACK)$/.test(q));
      expect(statements.length).toBeGreaterThan(0);
      sections.push(`-- ${repository.name}.${method.method}: ${example.name}\n${statements.map(pretty).join('\n\n')}`);
    }
    return sections;
  }

  it('every repository file with hand-written SQL has its file under sql/, equal to what the code sends', async () => {
    const found = repositories();
    expect(found.map((r) => r.repository.name).sort()).toEqual(
      expect.arrayContaining(['AttemptCountersRepository', 'AuthorizedKeysRepository', 'CredentialsRepository', 'IdentitiesRepository', 'PublicKeysRepository']),
    );
    const drift: string[] = [];
    for (const { file, repository, methods } of found) {
      const sections: string[] = [];
      for (const method of methods) sections.push(...(await sqlOf(t.dataSource, repository, method)));
      const target = join(SQL_DIR, `${basename(file, '.ts')}.sql`);
      const text = `-- Written by \`npm run sql:sync\` from the @GenerateSql examples in ${relative(ROOT, file)}; do not edit.\n\n${sections.join('\n\n')}\n`;
      if (WRITE) {
        mkdirSync(SQL_DIR, { recursive: true });
        writeFileSync(target, text);
      } else if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
        drift.push(relative(ROOT, target));
      }
    }
    if (drift.length > 0) throw new Error(`SQL drifted from the code in ${drift.join(', ')}: run \`npm run sql:sync\` and review the diff`);
  });
});

const ROLLBACK = Symbol('rollback');
