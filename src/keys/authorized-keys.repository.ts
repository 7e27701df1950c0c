import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';
import { PreparedQueries } from '../database/prepared-queries';
import { restrictionsAllow, visibleIdentities } from '../identities/identities.repository';

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

/**
 * The unexpired personal keys of the enabled user with login `$1` (case-insensitive, as logins are unique that way),
 * with `extra` SQL on the user `u`.
 */
const personalKeys = (extra = 'true') =>
  `SELECT k.id, k.key_type, k.key_text, k.bits, k.fingerprint_sha256, 'personal' AS source
     FROM public_keys k JOIN users u ON u.id = k.user_id
    WHERE k.identity_id IS NULL AND lower(u.login) = lower($1) AND NOT u.disabled AND ${NOT_EXPIRED} AND ${extra}`;

/** The queries behind what SSH servers are answered. */
@Injectable()
export class AuthorizedKeysRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly prepared: PreparedQueries,
  ) {}

  /** An enabled user's unexpired personal keys, by login. */
  @GenerateSql({ name: 'by login', params: (f) => [f.login] })
  personalKeys(login: string): Promise<AuthorizedKeyRow[]> {
    return this.prepared.rows<AuthorizedKeyRow>(`${personalKeys()} ORDER BY k.id`, [login]);
  }

  /**
   * What may log in as `login` on a server in `project` with `tags`, for this reader: the personal keys of the user
   * with that login (when the token is bound to an organization, only if that user is an active member of it), and
   * the keys of every identity the reader can see whose remote username is `login` and whose restrictions allow the
   * server. Expired keys are left out. One statement.
   */
  @GenerateSql(
    { name: 'a host token', params: (f) => [{ userId: f.userId, boundOrganizationId: null }, f.login, { project: 'web', tags: ['prod'] }] },
    { name: 'a host token bound to an organization', params: (f) => [{ userId: f.userId, boundOrganizationId: f.organizationId }, f.login, { project: null, tags: [] }] },
  )
  forLogin(reader: AuthorizedKeysReader, login: string, target: { project: string | null; tags: string[] }): Promise<AuthorizedKeyRow[]> {
    const bound = reader.boundOrganizationId !== null;
    // Parameters: $1 login, $2 reader, $3 project, $4 tags, then $5 the bound organization.
    const boundMembership = `EXISTS (SELECT 1 FROM organization_members m WHERE m.organization_id = $5 AND m.user_id = u.id AND m.status = 'active')`;
    return this.prepared.rows<AuthorizedKeyRow>(
      `${personalKeys(bound ? boundMembership : 'true')}
       UNION ALL
       SELECT k.id, k.key_type, k.key_text, k.bits, k.fingerprint_sha256, 'identity' AS source
         FROM public_keys k JOIN identities i ON i.id = k.identity_id
        WHERE i.username = $1 AND ${NOT_EXPIRED}
          AND ${visibleIdentities('$2', bound ? '$5' : null)}
          AND ${restrictionsAllow('$3', '$4')}
        ORDER BY source DESC, id`,
      [login, reader.userId, target.project, target.tags, ...(bound ? [reader.boundOrganizationId] : [])],
    );
  }

  /** Marks keys as used now, at most once a minute each. */
  @GenerateSql({ name: 'keys just offered', params: (f) => [[f.keyId]] })
  async markUsed(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE public_keys SET last_used_at = now() WHERE id = ANY($1::int[]) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [ids],
    );
  }
}
