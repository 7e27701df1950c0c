import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { restrictionsAllow } from '../identities/identities.repository';

/** A key an SSH server may be told about, with where it came from. */
export interface AuthorizedKeyRow {
  id: number;
  key_type: string;
  key_text: string;
  bits: number;
  fingerprint_sha256: string;
  source: 'personal' | 'identity';
}

/** Who asks: the token owner's reach, and the organization the token is bound to (if any). */
export interface AuthorizedKeysReader {
  userId: number;
  boundOrganizationId: number | null;
}

const NOT_EXPIRED = '(k.expires_at IS NULL OR k.expires_at > now())';

/** The queries behind what SSH servers are answered. */
@Injectable()
export class AuthorizedKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** An enabled user's unexpired personal keys, by login (case-insensitive, as logins are unique that way). */
  personalKeys(login: string): Promise<AuthorizedKeyRow[]> {
    return this.dataSource.query(
      `SELECT k.id, k.key_type, k.key_text, k.bits, k.fingerprint_sha256, 'personal' AS source
         FROM public_keys k JOIN users u ON u.id = k.user_id
        WHERE k.identity_id IS NULL AND lower(u.login) = lower($1) AND NOT u.disabled AND ${NOT_EXPIRED}
        ORDER BY k.id`,
      [login],
    );
  }

  /**
   * What may log in as `login` on a server in `project` with `tags`, for this reader: the personal keys of the user
   * with that login (when the token is bound to an organization, only if that user is an active member of it), and
   * the keys of every identity the reader can see whose remote username is `login` and whose restrictions allow the
   * server. Expired keys are left out. One statement.
   */
  forLogin(reader: AuthorizedKeysReader, login: string, target: { project: string | null; tags: string[] }): Promise<AuthorizedKeyRow[]> {
    return this.dataSource.query(
      `SELECT k.id, k.key_type, k.key_text, k.bits, k.fingerprint_sha256, 'personal' AS source
         FROM public_keys k JOIN users u ON u.id = k.user_id
        WHERE k.identity_id IS NULL AND lower(u.login) = lower($1) AND NOT u.disabled AND ${NOT_EXPIRED}
          AND ($3::int IS NULL OR EXISTS (SELECT 1 FROM organization_members m WHERE m.organization_id = $3 AND m.user_id = u.id AND m.status = 'active'))
       UNION ALL
       SELECT k.id, k.key_type, k.key_text, k.bits, k.fingerprint_sha256, 'identity' AS source
         FROM public_keys k JOIN identities i ON i.id = k.identity_id
        WHERE i.username = $1 AND ${NOT_EXPIRED}
          AND (CASE WHEN $3::int IS NOT NULL
                    THEN i.organization_id = $3 AND EXISTS (SELECT 1 FROM organization_members m WHERE m.organization_id = $3 AND m.user_id = $2 AND m.status = 'active')
                    ELSE i.owner_user_id = $2 OR i.organization_id IN (SELECT m.organization_id FROM organization_members m WHERE m.user_id = $2 AND m.status = 'active')
               END)
          AND ${restrictionsAllow('$4', '$5')}
        ORDER BY source DESC, id`,
      [login, reader.userId, reader.boundOrganizationId, target.project, target.tags],
    );
  }

  /** Marks keys as used now, at most once a minute each. */
  async markUsed(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE public_keys SET last_used_at = now() WHERE id = ANY($1::int[]) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [ids],
    );
  }
}
