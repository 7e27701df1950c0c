import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { Principal } from '../auth/principal';
import { ForbiddenError } from '../common/domain-errors';
import { AuthorizedKeyRow, AuthorizedKeysRepository } from './authorized-keys.repository';
import { KeyPolicy } from './key-policy';

/** Where the SSH server asking stands: its project and tags (the identities' restrictions are matched on them). */
export interface ServerDescription {
  project: string | null;
  tags: string[];
}

/**
 * What SSH servers are told: `authorized_keys` lines for a login. Keys the policy now refuses and expired keys are
 * never answered. Each line is `type base64 sshid:<source>:<key id>`, so sshd's logs name the key.
 */
@Injectable()
export class AuthorizedKeysService {
  constructor(
    private readonly keys: AuthorizedKeysRepository,
    private readonly policy: KeyPolicy,
    private readonly access: AccessService,
  ) {}

  /** A user's public keys as anyone may read them (`/<login>.keys`): one `type base64` per line. */
  async publicKeysOf(login: string): Promise<string[]> {
    const rows = this.allowed(await this.keys.personalKeys(login));
    return rows.map((row) => blobLine(row));
  }

  /**
   * The lines for `login` on the server described, for a host token (`authorized_keys.read`). When sshd names the
   * key it is checking (`fingerprint`), that key's last use is recorded.
   */
  async forServer(principal: Principal, login: string, server: ServerDescription, fingerprint: string | null): Promise<string[]> {
    this.access.requireCredentials(principal, 'authorized_keys.read');
    if (!principal.token) throw new ForbiddenError('token_scope', 'Authorized keys are read with a host token (an API token with authorized_keys.read)');
    const rows = this.allowed(await this.keys.forLogin({ userId: principal.user.id, boundOrganizationId: principal.token.organizationId }, login, server));
    const seen = new Set<string>();
    const unique = rows.filter((row) => !seen.has(row.fingerprint_sha256) && seen.add(row.fingerprint_sha256));
    if (fingerprint) await this.keys.markUsed(rows.filter((row) => row.fingerprint_sha256 === fingerprint).map((row) => row.id));
    return unique.map((row) => `${blobLine(row)} sshid:${row.source}:${row.id}`);
  }

  private allowed(rows: AuthorizedKeyRow[]): AuthorizedKeyRow[] {
    return rows.filter((row) => this.policy.refusal({ type: row.key_type, bits: row.bits }) === null);
  }
}

/** `type base64` of a stored key line (options and comment left out). */
function blobLine(row: Pick<AuthorizedKeyRow, 'key_type' | 'key_text'>): string {
  const words = row.key_text.trim().split(/\s+/);
  return `${row.key_type} ${words[words.indexOf(row.key_type) + 1] ?? ''}`;
}
