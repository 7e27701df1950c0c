// `npm run test:postman`: starts sshid on a throwaway embedded PostgreSQL and runs every collection in postman/
// with newman, as a team admin would run them from Postman. Exits non-zero when any assertion fails.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import newman from 'newman';

const require = createRequire(import.meta.url);
const { createApp } = require('../dist/bootstrap.js');
const { loadConfig } = require('../dist/config/app-config.js');
const { startEmbeddedPostgres } = require('../dist/database/embedded-postgres.launcher.js');
const { ensureDatabase } = require('../dist/database/database-url.js');
const { DIALECT_MODULES } = require('../dist/dialects.js');

const ADMIN = { login: 'admin', password: `postman-${randomBytes(6).toString('hex')}` };
const dataDir = mkdtempSync(join(tmpdir(), 'sshid-postman-'));
const postgres = await startEmbeddedPostgres({ dataDir, persistent: false });
const url = new URL(postgres.url);
url.pathname = '/sshid_postman';
await ensureDatabase(url.toString());
const config = loadConfig({
  SSHID_DATA_DIR: dataDir,
  SSHID_ADMIN_LOGIN: ADMIN.login,
  SSHID_ADMIN_PASSWORD: ADMIN.password,
  LOG_LEVEL: 'warn',
});
const app = await createApp(config, url.toString(), { dialects: DIALECT_MODULES });
await app.listen({ port: 0, host: '127.0.0.1' });
const baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;

const folder = new URL('../postman/', import.meta.url).pathname;
let failures = 0;
let assertions = 0;
for (const file of readdirSync(folder).filter((f) => f.endsWith('.postman_collection.json')).sort()) {
  const collection = JSON.parse(readFileSync(join(folder, file), 'utf8'));
  const summary = await new Promise((resolve, reject) =>
    newman.run(
      {
        collection,
        envVar: [
          { key: 'baseUrl', value: baseUrl },
          { key: 'adminLogin', value: ADMIN.login },
          { key: 'adminPassword', value: ADMIN.password },
        ],
        reporters: ['cli'],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  failures += summary.run.failures.length;
  assertions += summary.run.stats.assertions.total;
}
await app.close();
await postgres.stop();
console.log(`${assertions - failures} passed, ${failures} failed`);
process.exit(failures > 0 ? 1 : 0);
