import { ValidationError } from '../common/domain-errors';
import { PublicKeysService } from '../keys/public-keys.service';
import { User } from '../users/user.entity';

export interface ImportedLine {
  line: number;
  outcome: 'added' | 'already present' | 'skipped' | 'failed';
  detail?: string;
}

const KEY_TYPE = /(^|\s)((ssh|ecdsa|sk)-[\w@.-]+)\s+[A-Za-z0-9+/=]+/;

/**
 * Reads an authorized_keys file: blank lines and comments are skipped, an options prefix (`no-pty,from=… ssh-ed25519 …`)
 * is dropped, and each key is added through the domain with its comment (or type and line) as name.
 */
export async function importAuthorizedKeys(keys: PublicKeysService, user: User, text: string) {
  const lines: ImportedLine[] = [];
  const principal = { user, via: 'session' as const };
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const match = KEY_TYPE.exec(trimmed);
    const keyText = match ? trimmed.slice(match.index + match[1].length) : trimmed;
    const comment = keyText.split(/\s+/).slice(2).join(' ');
    try {
      await keys.addForUser(principal, user.id, { name: comment || `${keyText.split(/\s+/)[0]} line ${line}`, key: keyText });
      lines.push({ line, outcome: 'added' });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const taken = error.violations.length === 1 && error.violations[0].code === 'taken';
      lines.push(taken ? { line, outcome: 'already present' } : { line, outcome: 'failed', detail: error.violations.map((v) => `${v.field} ${v.message}`).join('; ') });
    }
  }
  return {
    lines,
    added: lines.filter((l) => l.outcome === 'added').length,
    skipped: lines.filter((l) => l.outcome === 'already present').length,
    failed: lines.filter((l) => l.outcome === 'failed').length,
  };
}
