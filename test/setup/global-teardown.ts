import type { EmbeddedPostgres } from '../../src/database/embedded-postgres.launcher';

export default async function globalTeardown(): Promise<void> {
  const postgres = (globalThis as Record<string, unknown>).__SSHID_TEST_POSTGRES__ as EmbeddedPostgres | undefined;
  await postgres?.stop();
}
