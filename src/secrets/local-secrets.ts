import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';

/**
 * Returns the configured secret, or the one kept in the data folder, generating it (mode 0600) on first start.
 * Generation is logged by file name only, never by value.
 */
export function localSecret(configured: string | undefined, dataDir: string, fileName: string, bytes: number): string {
  if (configured) return configured;
  const dir = resolve(dataDir);
  const file = join(dir, fileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const value = randomBytes(bytes).toString('hex');
  writeFileSync(file, value, { mode: 0o600 });
  new Logger('Secrets').warn(`Generated ${file} (mode 0600); keep it with the database or set it in the environment`);
  return value;
}
