import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.launcher';

/**
 * One real PostgreSQL for the whole run: the embedded one, or the server named by DATABASE_URL.
 * It also builds dist/ once for the tests that run the real server process.
 * Each test file then creates its own database on it (test/support/test-app.ts).
 */
export default async function globalSetup(): Promise<void> {
  // Tests that run the real server process (`node dist/main.js`) need it built from the current sources.
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (process.env.DATABASE_URL) {
    process.env.SSHID_TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'sshid-test-'));
  const postgres = await startEmbeddedPostgres({ dataDir, persistent: false });
  process.env.SSHID_TEST_ADMIN_DATABASE_URL = postgres.url;
  (globalThis as Record<string, unknown>).__SSHID_TEST_POSTGRES__ = postgres;
}
