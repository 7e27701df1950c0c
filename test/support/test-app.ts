import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuthService } from '../../src/auth/auth.service';
import { Permission, PERMISSIONS } from '../../src/auth/permissions';
import { Principal } from '../../src/auth/principal';
import { createApp } from '../../src/bootstrap';
import { DIALECT_DOCUMENTS } from '../../src/dialects';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { ensureDatabase } from '../../src/database/database-url';
import { OrganizationsService } from '../../src/organizations/organizations.service';
import { User } from '../../src/users/user.entity';
import { NewUser, UsersService } from '../../src/users/users.service';
import { findSecrets } from './secret-markers';
import { findDrift, RecordedResponse } from './openapi-conformance';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataSource: DataSource;
  http: () => ReturnType<typeof request>;
  get<T>(type: new (...args: never[]) => T): T;
  createUser(login: string, extra?: Partial<NewUser>): Promise<User>;
  principal(user: User): Principal;
  sessionToken(user: User): Promise<string>;
  apiToken(user: User, permissions: Permission[], teamSlug?: string): Promise<string>;
  createOrganization(owner: User, name: string): Promise<{ id: number; slug: string }>;
  addMember(organizationId: number, user: User, status?: 'active' | 'pending', permissions?: string[]): Promise<void>;
  count(table: string): Promise<number>;
  /** Every response body sent and every log line written so far. */
  transcript(): { responses: string[]; logs: string[] };
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct-horse-battery';

/** Everything a token can do with identities and keys (not user management). */
export const IDENTITY_AND_KEY_PERMISSIONS: Permission[] = PERMISSIONS.filter((p) => !p.startsWith('users.'));

/**
 * Starts sshid on its own fresh database (on the run's embedded PostgreSQL, or DATABASE_URL's server), with the
 * given dialect modules mounted.
 */
export async function startTestApp(dialects: DynamicModule['imports'] = [], env: Record<string, string> = {}, options: { docs?: boolean } = {}): Promise<TestApp> {
  const adminUrl = process.env.SSHID_TEST_ADMIN_DATABASE_URL;
  if (!adminUrl) throw new Error('SSHID_TEST_ADMIN_DATABASE_URL is not set: run the tests through jest (global setup)');
  const databaseName = `sshid_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  await ensureDatabase(url.toString());

  const config = loadConfig({
    SSHID_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    SSHID_JWT_SECRET: randomBytes(32).toString('hex'),
    SSHID_DATA_DIR: mkdtempSync(join(tmpdir(), 'sshid-app-')),
    LOG_LEVEL: 'info',
    SSHID_RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const responses: string[] = [];
  const answered: RecordedResponse[] = [];
  const logs: string[] = [];
  const app = await createApp(config, url.toString(), { dialects, docs: options.docs ? { ui: false, documents: DIALECT_DOCUMENTS } : undefined, logStream: { write: (line) => void logs.push(line) } });
  app.getHttpAdapter().getInstance().addHook('onSend', (_request, _reply, payload, done) => {
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
      responses.push(payload.toString());
      answered.push({ method: _request.method, url: _request.url, status: _reply.statusCode, payload: payload.toString() });
    }
    done(null, payload);
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const users = app.get(UsersService);
  const auth = app.get(AuthService);

  const testApp: TestApp = {
    app,
    config,
    dataSource,
    http: () => request(app.getHttpServer()),
    get: (type) => app.get(type),
    createUser: (login, extra = {}) => users.create({ login, password: TEST_PASSWORD, email: `${login}@example.com`, ...extra }),
    principal: (user) => ({ user, via: 'session' }),
    sessionToken: async (user) => (await auth.openSession(user, {})).token,
    apiToken: async (user, permissions, teamSlug) =>
      (await auth.createApiToken({ user, via: 'session' }, { name: 'test', permissions, organizationSlug: teamSlug })).token,
    createOrganization: async (owner, name) => {
      const organization = await app.get(OrganizationsService).create({ user: owner, via: 'session' }, { name });
      return { id: organization.id, slug: organization.slug };
    },
    addMember: async (organizationId, user, status = 'active', permissions = []) => {
      await dataSource.query(
        `INSERT INTO organization_members (organization_id, user_id, role, status, permissions) VALUES ($1, $2, 'member', $3, $4)`,
        [organizationId, user.id, status, permissions],
      );
    },
    count: async (table) => Number((await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n),
    transcript: () => ({ responses: [...responses], logs: [...logs] }),
    close: async () => {
      // Every answer must match its dialect's OpenAPI document, so the documents cannot drift from the code.
      const drift = findDrift(app, dialects ?? [], answered);
      await app.close();
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      await admin.end();
      if (drift.length > 0) throw new Error(`answers that do not match their OpenAPI document:\n${drift.slice(0, 40).join('\n')}`);
      // Every test file doubles as a secrets scan: nothing secret may have left sshid.
      const leaks = findSecrets([...responses, ...logs]);
      if (leaks.length > 0) throw new Error(`secrets leaked into responses or logs: ${JSON.stringify(leaks.slice(0, 5))}`);
    },
  };
  return testApp;
}
