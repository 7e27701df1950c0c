import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { loadConfig } from './config/app-config';
import { resolveDatabase } from './database/database-url';
import { DIALECT_DOCUMENTS, DIALECT_MODULES } from './dialects';

async function main(): Promise<void> {
  const logger = new Logger('sshid');
  const config = loadConfig();
  const database = await resolveDatabase(config, (message) => logger.log(message));
  const app = await createApp(config, database.url, { dialects: DIALECT_MODULES, docs: { ui: true, documents: DIALECT_DOCUMENTS }, embeddedPostgres: database.embedded });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight requests`);
    // app.close() stops accepting connections and waits for open requests, then closes the database pool.
    await app.close();
    await database.embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.PORT, host: config.HOST });
  logger.log(`sshid listening on http://${config.HOST}:${config.PORT}`);
}

main().catch((error) => {
  // eslint-disable-next-line no-console
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
