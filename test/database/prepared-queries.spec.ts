import { PreparedQueries } from '../../src/database/prepared-queries';
import { startTestApp } from '../support/test-app';

/**
 * The per-request reads go as named prepared statements unless SSHID_PREPARED_STATEMENTS=false (for poolers that
 * cannot carry them). A statement is prepared on the connection that ran it; run one at a time, the pool hands the
 * same idle connection back, so the session's pg_prepared_statements shows what the reads left there.
 */
describe('prepared statements of the per-request reads', () => {
  const TEXT = 'SELECT $1::int + 1 AS n';

  async function preparedAfterOneRead(env: Record<string, string>): Promise<string[]> {
    const t = await startTestApp([], env);
    try {
      const prepared = t.get(PreparedQueries);
      expect(await prepared.rows(TEXT, [41])).toEqual([{ n: 42 }]);
      const rows = await prepared.rows<{ statement: string }>(`SELECT statement FROM pg_prepared_statements WHERE statement = '${TEXT}'`, []);
      return rows.map((r) => r.statement);
    } finally {
      await t.close();
    }
  }

  it('prepares them by name by default, and sends them unnamed with SSHID_PREPARED_STATEMENTS=false', async () => {
    expect(await preparedAfterOneRead({})).toEqual([TEXT]);
    expect(await preparedAfterOneRead({ SSHID_PREPARED_STATEMENTS: 'false' })).toEqual([]);
  });

  it('prepares a statement afresh when a migration changed what it returns, instead of failing on the old plan', async () => {
    const t = await startTestApp();
    try {
      const prepared = t.get(PreparedQueries);
      await t.dataSource.query('CREATE TABLE prepared_probe (a int)');
      await t.dataSource.query('INSERT INTO prepared_probe VALUES (1)');
      expect(await prepared.rows('SELECT * FROM prepared_probe', [])).toEqual([{ a: 1 }]);
      // What a second instance's migration does meanwhile.
      await t.dataSource.query('ALTER TABLE prepared_probe ADD COLUMN b int DEFAULT 2');
      expect(await prepared.rows('SELECT * FROM prepared_probe', [])).toEqual([{ a: 1, b: 2 }]);
      expect(await prepared.rows('SELECT * FROM prepared_probe', [])).toEqual([{ a: 1, b: 2 }]);
    } finally {
      await t.close();
    }
  });
});
