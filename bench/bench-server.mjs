// The sshid every benchmark script measures: embedded PostgreSQL, the built server with all dialects on 127.0.0.1,
// and the data the routes read — one user with 20 personal keys and 20 personal identities of one key each, an API
// token, and a session opened as a Nexterm login records it (with the client's address, else every request would
// update it).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519Line } from './generated-keys.mjs';

const require = createRequire(import.meta.url);
const { createApp } = require('../dist/bootstrap.js');
const { loadConfig } = require('../dist/config/app-config.js');
const { startEmbeddedPostgres } = require('../dist/database/embedded-postgres.launcher.js');
const { ensureDatabase } = require('../dist/database/database-url.js');
const { DIALECT_MODULES } = require('../dist/dialects.js');
const { UsersService } = require('../dist/users/users.service.js');
const { AuthService } = require('../dist/auth/auth.service.js');
const { PublicKeysService } = require('../dist/keys/public-keys.service.js');
const { IdentitiesService } = require('../dist/identities/identities.service.js');

export const BENCH_PASSWORD = 'bench-password';

export async function startBenchServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sshid-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir, persistent: false, supervise: false });
  const url = new URL(postgres.url);
  url.pathname = '/sshid_bench';
  await ensureDatabase(url.toString());
  const config = loadConfig({
    SSHID_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    SSHID_JWT_SECRET: randomBytes(32).toString('hex'),
    SSHID_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SSHID_RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const app = await createApp(config, url.toString(), { dialects: DIALECT_MODULES });
  await app.listen({ port: 0, host: '127.0.0.1' });

  const user = await app.get(UsersService).create({ login: 'bench', password: BENCH_PASSWORD });
  const principal = { user, via: 'session' };
  for (let i = 0; i < 20; i += 1) await app.get(PublicKeysService).addForUser(principal, user.id, { name: `key ${i}`, key: ed25519Line(`k${i}`) });
  for (let i = 0; i < 20; i += 1) await app.get(IdentitiesService).create(principal, { kind: 'personal' }, { name: `identity ${i}`, publicKeys: [ed25519Line(`i${i}`)] });
  const { token: apiToken, record: apiTokenRecord } = await app.get(AuthService).createApiToken(principal, {
    name: 'bench',
    permissions: ['identities.read', 'identities.create', 'ssh_keys.view', 'ssh_keys.create'],
  });
  const { token: sessionToken, session } = await app.get(AuthService).openSession(user, { ip: '127.0.0.1' });
  return {
    app,
    dataDir,
    databaseUrl: url.toString(),
    port: app.getHttpServer().address().port,
    user,
    apiToken,
    apiTokenRecord,
    sessionToken,
    session,
    async close() {
      await app.close();
      await postgres.stop();
    },
  };
}
