import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { Command, CommanderError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '../common/domain-errors';
import { SeedService } from '../seeding/seed.service';
import { AuthService } from '../auth/auth.service';
import { AppConfig } from '../config/app-config';
import { PublicKeysService } from '../keys/public-keys.service';
import { SecretBox } from '../secrets/secret-box';
import { SecretRotationService } from '../secrets/secret-rotation.service';
import { UsersService } from '../users/users.service';
import { canonicalPermission } from '../sshid/permission-names';
import { importAuthorizedKeys } from './authorized-keys-import';

/** Opens the domain (database, services) for one command and closes it afterwards. */
export type ContextFactory = () => Promise<{ context: INestApplicationContext; close: () => Promise<void> }>;

export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

async function withContext<T>(open: ContextFactory, work: (context: INestApplicationContext) => Promise<T>): Promise<T> {
  const { context, close } = await open();
  try {
    return await work(context);
  } finally {
    await close();
  }
}

/** The `sshid` command line, built around a context factory so tests can run it against their own database. */
export function buildCli(open: ContextFactory, io: CliOutput): Command {
  const program = new Command('sshid').description('sshid administration').exitOverride().configureOutput({
    writeOut: (text) => io.out(text.trimEnd()),
    writeErr: (text) => io.err(text.trimEnd()),
  });

  program
    .command('migrate')
    .description('apply pending database migrations (start-up does this too)')
    .action(() =>
      withContext(open, async () => {
        io.out('Database schema is up to date.');
      }),
    );

  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('create an API token for a user and print it (shown once)')
    .requiredOption('--user <login>', 'owner of the token')
    .requiredOption('--name <name>', 'a name to recognise the token by')
    .option('--permission <permission...>', 'permissions, e.g. identities.read or "Account > Ssh > General > Read"', [])
    .option('--team <slug>', 'bind the token to this organization')
    .option('--expires <iso-date>', 'expiry date')
    .action((options: { user: string; name: string; permission: string[]; team?: string; expires?: string }) =>
      withContext(open, async (context) => {
        const user = await context.get(UsersService).findByLogin(options.user);
        if (!user) throw new CommanderError(2, 'sshid.user', `No user "${options.user}"`);
        const { token: secret, record } = await context.get(AuthService).createApiToken(
          { user, via: 'session' },
          { name: options.name, permissions: options.permission.map(canonicalPermission), organizationSlug: options.team, expiresAt: options.expires ? new Date(options.expires) : null },
        );
        io.err(`Created token ${record.id} for ${user.login} with ${record.permissions.join(', ') || 'no permissions'}`);
        io.out(secret);
      }),
    );

  program
    .command('rotate-key')
    .description('re-encrypt every stored secret under a new encryption key')
    .option('--new-key <hex>', '64 hex characters; generated when omitted')
    .action((options: { newKey?: string }) =>
      withContext(open, async (context) => {
        const newKey = options.newKey ?? SecretBox.generateKey();
        if (!/^[0-9a-fA-F]{64}$/.test(newKey)) throw new CommanderError(2, 'sshid.key', 'The new key must be 64 hex characters');
        const result = await context.get(SecretRotationService).rotate(new SecretBox(newKey));
        io.out(`Re-encrypted ${result.secrets} secrets in ${result.rows} rows.`);
        const config = context.get(AppConfig);
        const keyFile = join(resolve(config.SSHID_DATA_DIR), 'encryption.key');
        if (!config.SSHID_ENCRYPTION_KEY && existsSync(keyFile)) {
          // Replace the key file atomically, keeping the old key beside it until the operator removes it.
          writeFileSync(`${keyFile}.previous`, readFileSync(keyFile), { mode: 0o600 });
          writeFileSync(`${keyFile}.next`, newKey, { mode: 0o600 });
          renameSync(`${keyFile}.next`, keyFile);
          io.out(`Wrote the new key to ${keyFile} (the old one is in encryption.key.previous). Restart sshid.`);
        } else {
          io.out('Set SSHID_ENCRYPTION_KEY to the new key printed below and restart sshid:');
          io.out(newKey);
        }
      }),
    );

  program
    .command('seed')
    .description('apply a YAML or JSON file of users, organizations, identities and keys (idempotent, all or nothing)')
    .argument('<file>', 'seed file')
    .action((file: string) =>
      withContext(open, async (context) => {
        let document: unknown;
        try {
          document = parseYaml(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new CommanderError(1, 'sshid.seed', `${file}: ${(error as Error).message}`);
        }
        try {
          const { changes, total } = await context.get(SeedService).apply(null, document, (message) => io.err(message));
          if (total === 0) io.out(`No changes: everything in ${file} is already in place.`);
          else io.out(`${total} changes: ${Object.entries(changes).filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`).join(', ')}`);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          for (const violation of error.violations) io.err(`${file}: ${violation.field}: ${violation.message}`);
          throw new CommanderError(1, 'sshid.seed', `${file}: nothing applied (${error.violations.length} problems)`);
        }
      }),
    );

  const keys = program.command('keys').description("users' public keys");
  keys
    .command('import')
    .description("import an authorized_keys file as a user's personal keys")
    .requiredOption('--user <login>', 'whose keys')
    .argument('<file>', 'authorized_keys file')
    .action((file: string, options: { user: string }) =>
      withContext(open, async (context) => {
        const user = await context.get(UsersService).findByLogin(options.user);
        if (!user) throw new CommanderError(2, 'sshid.user', `No user "${options.user}"`);
        const report = await importAuthorizedKeys(context.get(PublicKeysService), user, readFileSync(file, 'utf8'));
        for (const line of report.lines) io.out(`${file}:${line.line}: ${line.outcome}${line.detail ? ` (${line.detail})` : ''}`);
        io.out(`${report.added} added, ${report.skipped} already present, ${report.failed} failed`);
        if (report.failed > 0) throw new CommanderError(1, 'sshid.import', `${report.failed} lines could not be imported`);
      }),
    );

  return program;
}
