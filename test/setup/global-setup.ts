import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.launcher';

/**
 * One real PostgreSQL for the whole run: the embedded one, or the server named by DATABASE_URL.
 * Each test file then creates its own database on it (test/support/test-app.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.SSHID_TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'sshid-test-'));
  const postgres = await startEmbeddedPostgres({ dataDir, persistent: false });
  process.env.SSHID_TEST_ADMIN_DATABASE_URL = postgres.url;
  (globalThis as Record<string, unknown>).__SSHID_TEST_POSTGRES__ = postgres;
}
