// Seeding benchmark: 10,000 keys for 100 users from one file, applied twice (the second run must change nothing).
// Run with `npm run bench:seed` (builds first).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519Line } from './generated-keys.mjs';

const require = createRequire(import.meta.url);
const { NestFactory } = require('@nestjs/core');
const { AppModule } = require('../dist/app.module.js');
const { loadConfig } = require('../dist/config/app-config.js');
const { startEmbeddedPostgres } = require('../dist/database/embedded-postgres.launcher.js');
const { SeedService } = require('../dist/seeding/seed.service.js');

const USERS = Number(process.env.SEED_USERS ?? 100);
const KEYS_PER_USER = Number(process.env.SEED_KEYS_PER_USER ?? 100);

const dataDir = mkdtempSync(join(tmpdir(), 'sshid-seed-bench-'));
const postgres = await startEmbeddedPostgres({ dataDir, persistent: false });
const config = loadConfig({ SSHID_ENCRYPTION_KEY: randomBytes(32).toString('hex'), SSHID_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const context = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl: postgres.url }), { logger: false });

const document = {
  users: Array.from({ length: USERS }, (_, u) => ({
    login: `user${u}`,
    keys: Array.from({ length: KEYS_PER_USER }, (_, k) => ({ name: `key ${k}`, key: ed25519Line(`user${u}-key${k}`) })),
  })),
};
const seed = context.get(SeedService);
for (const run of ['first run', 'second run']) {
  const started = process.hrtime.bigint();
  const result = await seed.apply(null, document);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${run}: ${USERS * KEYS_PER_USER} keys for ${USERS} users in ${seconds.toFixed(2)} s, ${result.total} changes`);
}
await context.close();
await postgres.stop();
