import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PreparedQueries } from '../database/prepared-queries';
import { epochMs } from '../database/sql-time';
import { GenerateSql } from '../database/generate-sql';
import { ApiToken } from './api-token.entity';
import { Session } from './session.entity';

/** Only the token's SHA-256 is stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A `sessions` or `api_tokens` row joined with what a principal holds of its user (`u_` columns); times in epoch
 * milliseconds.
 */
export interface CredentialRow {
  id: string;
  user_id: number;
  token_hash: string;
  ip?: string | null;
  last_activity_at: number;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  permissions: string[];
  organization_id: number | null;
  u_login: string;
  u_is_admin: boolean;
  u_permissions: string[];
  u_disabled: boolean;
}

/** Every query on sessions and API tokens; methods acting for a user take that user's id. */
@Injectable()
export class CredentialsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly prepared: PreparedQueries,
  ) {}

  private get sessions() {
    return this.dataSource.getRepository(Session);
  }

  private get apiTokens() {
    return this.dataSource.getRepository(ApiToken);
  }

  /** Inserts the row first (its id goes into the token), then stores the token's hash. */
  @GenerateSql({ name: 'a new session', params: (f) => [{ userId: f.userId, ip: '192.0.2.1', userAgent: 'sql' }, () => 'token'] })
  async insertSession(
    values: Pick<Session, 'userId' | 'ip' | 'userAgent'>,
    tokenFor: (session: Session) => string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<{ session: Session; token: string }> {
    const sessions = tx.getRepository(Session);
    const session = sessions.create({ ...values, tokenHash: '0'.repeat(64) });
    await sessions.insert(session);
    const token = tokenFor(session);
    await sessions.update({ id: session.id }, { tokenHash: sha256Hex(token) });
    return { session, token };
  }

  @GenerateSql({ name: 'a new token', params: (f) => [{ userId: f.userId, name: 'sql', permissions: [] }, () => 'token'] })
  async insertApiToken(values: Partial<ApiToken>, tokenFor: (record: ApiToken) => string): Promise<{ record: ApiToken; token: string }> {
    const record = this.apiTokens.create({ ...values, tokenHash: '0'.repeat(64) });
    await this.apiTokens.insert(record);
    const token = tokenFor(record);
    await this.apiTokens.update({ id: record.id }, { tokenHash: sha256Hex(token) });
    return { record, token };
  }

  @GenerateSql({ name: 'logout', params: () => ['0'.repeat(64)] })
  async deleteSessionByTokenHash(tokenHash: string): Promise<boolean> {
    return ((await this.sessions.delete({ tokenHash })).affected ?? 0) > 0;
  }

  @GenerateSql({ name: "one of the user's sessions", params: (f) => [f.userId, '00000000-0000-4000-8000-000000000000'] })
  async deleteSession(userId: number, id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    return ((await this.sessions.delete({ id, userId })).affected ?? 0) > 0;
  }

  @GenerateSql({ name: "one of the user's tokens", params: (f) => [f.userId, '00000000-0000-4000-8000-000000000000'] })
  async deleteApiToken(userId: number, id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    return ((await this.apiTokens.delete({ id, userId })).affected ?? 0) > 0;
  }

  /** A session that is over: deleted by id alone (the token named it and its hash matched). */
  @GenerateSql({ name: 'by id', params: () => ['00000000-0000-4000-8000-000000000000'] })
  async expireSession(id: string): Promise<void> {
    await this.sessions.delete({ id });
  }

  @GenerateSql({ name: "a user's sessions", params: (f) => [f.userId] })
  listSessions(userId: number): Promise<Session[]> {
    return this.sessions.find({ where: { userId }, order: { lastActivityAt: 'DESC' } });
  }

  @GenerateSql({ name: "a user's tokens", params: (f) => [f.userId] })
  listApiTokens(userId: number): Promise<ApiToken[]> {
    return this.apiTokens.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  @GenerateSql({ name: 'activity', params: (f) => [f.sessionId, '192.0.2.1'] })
  async touchSession(id: string, ip: string | null): Promise<void> {
    await this.sessions.update({ id }, { lastActivityAt: new Date(), ip });
  }

  @GenerateSql({ name: 'use', params: () => ['00000000-0000-4000-8000-000000000000'] })
  async touchApiToken(id: string): Promise<void> {
    await this.apiTokens.update({ id }, { lastUsedAt: new Date() });
  }

  /**
   * The session or API token row named by a token, with its user, in one query: this runs on every
   * authenticated request.
   */
  @GenerateSql({ name: 'a session (every request)', params: (f) => ['sessions', f.sessionId] }, { name: 'an API token (every request)', params: () => ['api_tokens', '00000000-0000-4000-8000-000000000000'] })
  async withUser(table: 'sessions' | 'api_tokens', id: string): Promise<CredentialRow | null> {
    if (!UUID.test(id)) return null;
    // Only the columns the checks read and the principal's account fields: this runs on every request, and every
    // column parsed costs CPU (timestamps most: they come as epoch milliseconds, database/sql-time.ts).
    const columns =
      table === 'sessions'
        ? `c.id, c.user_id, c.token_hash, c.ip, ${epochMs('c.last_activity_at')} AS last_activity_at, ${epochMs('c.created_at')} AS created_at`
        : `c.id, c.user_id, c.token_hash, ${epochMs('c.last_used_at')} AS last_used_at, ${epochMs('c.expires_at')} AS expires_at, c.permissions, c.organization_id`;
    const rows = await this.prepared.rows<CredentialRow>(
      `SELECT ${columns}, u.login AS u_login, u.is_admin AS u_is_admin, u.permissions AS u_permissions, u.disabled AS u_disabled
         FROM ${table} c JOIN users u ON u.id = c.user_id WHERE c.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }
}
