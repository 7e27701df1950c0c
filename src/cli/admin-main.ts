import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommanderError } from 'commander';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { resolveDatabase } from '../database/database-url';
import { buildCli, ContextFactory } from './sshid-cli';

const openContext: ContextFactory = async () => {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const database = await resolveDatabase(config, (message) => process.stderr.write(`${message}\n`));
  const context = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl: database.url }), { logger: ['error', 'warn'] });
  return {
    context,
    close: async () => {
      await context.close();
      await database.embedded?.stop();
    },
  };
};

const program = buildCli(openContext, { out: (line) => console.log(line), err: (line) => console.error(line) });
program.parseAsync(process.argv).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof CommanderError) {
      if (error.code !== 'commander.helpDisplayed' && error.code !== 'commander.version' && error.exitCode !== 0) console.error(error.message);
      process.exit(error.exitCode);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
