import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal, userHolds } from '../auth/principal';
import { ForbiddenError, ValidationError, Violation } from '../common/domain-errors';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { KeyService, ParsedPublicKey } from '../keys/key.service';
import { KeyPolicy } from '../keys/key-policy';
import { passwordHasher } from '../users/password-hasher';
import { readSeedDocument, SeedDocument } from './seed-document';

export interface SeedChanges {
  usersCreated: number;
  keysAdded: number;
  organizationsCreated: number;
  membershipsChanged: number;
  identitiesCreated: number;
  identitiesUpdated: number;
  keysUpdated: number;
}

export interface SeedResult {
  changes: SeedChanges;
  total: number;
}

const CHUNK = 1000;

/**
 * Applies a seed document idempotently and all-or-nothing: the whole document is checked first, then written in
 * one transaction; what already matches is left alone, so a second run reports no change.
 */
@Injectable()
export class SeedService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: KeyService,
    private readonly audit: AuditService,
    private readonly policy: KeyPolicy,
  ) {}

  async apply(principal: Principal | null, raw: unknown, progress: (message: string) => void = () => undefined): Promise<SeedResult> {
    // The command line runs as the operator (no principal); over HTTP only user managers may seed.
    if (principal && !userHolds(principal, 'users.manage')) {
      throw new ForbiddenError('missing_permission', 'Importing needs the users.manage permission', ['users.manage']);
    }
    const { document, violations } = readSeedDocument(raw, this.keys, this.policy);
    if (violations.length > 0) throw new ValidationError(violations);
    progress(`checked ${document.users.length} users, ${document.organizations.length} organizations, ${document.identities.length} identities`);
    return this.dataSource.transaction(async (tx) => {
      // One seed at a time: concurrent runs of the same file would otherwise both see rows missing.
      await tx.query('SELECT pg_advisory_xact_lock(7002)');
      const changes: SeedChanges = { usersCreated: 0, keysAdded: 0, organizationsCreated: 0, membershipsChanged: 0, identitiesCreated: 0, identitiesUpdated: 0, keysUpdated: 0 };
      const userIds = await this.applyUsers(tx, document, changes, progress);
      const organizationIds = await this.applyOrganizations(tx, document, userIds, changes);
      const events = await this.applyIdentities(tx, document, userIds, organizationIds, changes, progress);
      // Identities written by a seed are in the audit log like any other write.
      for (let i = 0; i < events.length; i += CHUNK) await this.audit.recordMany(principal, events.slice(i, i + CHUNK), tx);
      const total = Object.values(changes).reduce((sum, n) => sum + n, 0);
      return { changes, total };
    });
  }

  private async applyUsers(tx: EntityManager, document: SeedDocument, changes: SeedChanges, progress: (m: string) => void) {
    const logins = document.users.map((u) => u.login.toLowerCase());
    const existing = await this.userIdsByLogin(tx, logins);
    const toCreate = document.users.filter((u) => !existing.has(u.login.toLowerCase()));
    // Only new users get a password (hashing is the slow part of a seed), and the hashes run in parallel.
    const passwords = await Promise.all(toCreate.map((u) => (u.password ? passwordHasher.hash(u.password) : Promise.resolve(null))));
    for (const [index, user] of toCreate.entries()) {
      const [row] = await tx.query(
        `INSERT INTO users (login, email, first_name, last_name, password_hash, is_admin) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [user.login, user.email, user.firstName, user.lastName, passwords[index], user.admin],
      );
      existing.set(user.login.toLowerCase(), row.id);
    }
    changes.usersCreated = toCreate.length;

    const ids = [...existing.values()];
    const present = new Map<string, { id: number; expires: number | null }>(
      (await tx.query(`SELECT id, user_id, fingerprint_sha256, expires_at FROM public_keys WHERE identity_id IS NULL AND user_id = ANY($1::int[])`, [ids])).map(
        (r: { id: number; user_id: number; fingerprint_sha256: string; expires_at: Date | null }) => [
          `${r.user_id}/${r.fingerprint_sha256}`,
          { id: r.id, expires: r.expires_at?.getTime() ?? null },
        ],
      ),
    );
    // Keys already there whose expiry the document changes.
    for (const user of document.users) {
      const userId = existing.get(user.login.toLowerCase()) as number;
      for (const key of user.keys) {
        const stored = present.get(`${userId}/${key.parsed.fingerprintSha256}`);
        if (stored && stored.expires !== (key.expiresAt?.getTime() ?? null)) {
          await tx.query(`UPDATE public_keys SET expires_at = $2, updated_at = now() WHERE id = $1`, [stored.id, key.expiresAt]);
          changes.keysUpdated += 1;
        }
      }
    }
    const rows = document.users.flatMap((user) => {
      const userId = existing.get(user.login.toLowerCase()) as number;
      return user.keys.filter((k) => !present.has(`${userId}/${k.parsed.fingerprintSha256}`)).map((k) => ({ userId, identityId: null, name: k.name, text: k.text, parsed: k.parsed, expiresAt: k.expiresAt }));
    });
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.insertKeys(tx, rows.slice(i, i + CHUNK));
      progress(`added ${Math.min(i + CHUNK, rows.length)} of ${rows.length} keys`);
    }
    changes.keysAdded += rows.length;
    return existing;
  }

  private async applyOrganizations(tx: EntityManager, document: SeedDocument, userIds: Map<string, number>, changes: SeedChanges) {
    const needed = [...document.organizations.flatMap((o) => [o.owner, ...o.members.map((m) => m.login)])].map((l) => l.toLowerCase());
    const known = await this.userIdsByLogin(tx, needed.filter((l) => !userIds.has(l)));
    for (const [login, id] of known) userIds.set(login, id);
    const violations: Violation[] = [];
    document.organizations.forEach((org, i) => {
      if (!userIds.has(org.owner.toLowerCase())) violations.push({ field: `organizations[${i}].owner`, code: 'unknown', message: `no user "${org.owner}"` });
      org.members.forEach((m, j) => {
        if (!userIds.has(m.login.toLowerCase())) violations.push({ field: `organizations[${i}].members[${j}].login`, code: 'unknown', message: `no user "${m.login}"` });
      });
    });
    if (violations.length > 0) throw new ValidationError(violations);

    const ids = new Map<string, number>(
      (await tx.query(`SELECT id, slug FROM organizations WHERE slug = ANY($1::text[])`, [document.organizations.map((o) => o.slug)])).map(
        (r: { id: number; slug: string }) => [r.slug, r.id],
      ),
    );
    for (const org of document.organizations) {
      if (!ids.has(org.slug)) {
        const [row] = await tx.query(`INSERT INTO organizations (slug, name, description) VALUES ($1, $2, $3) RETURNING id`, [org.slug, org.name, org.description]);
        ids.set(org.slug, row.id);
        await tx.query(`INSERT INTO organization_members (organization_id, user_id, role, status) VALUES ($1, $2, 'owner', 'active')`, [row.id, userIds.get(org.owner.toLowerCase())]);
        changes.organizationsCreated += 1;
      }
      for (const member of org.members) {
        // Adds or activates the member and sets its permissions; owners keep their role; unchanged rows are not written.
        const result = await tx.query(
          `INSERT INTO organization_members (organization_id, user_id, role, status, permissions) VALUES ($1, $2, 'member', 'active', $3)
           ON CONFLICT (organization_id, user_id) DO UPDATE SET status = 'active', permissions = EXCLUDED.permissions, updated_at = now()
           WHERE organization_members.role = 'member'
             AND (organization_members.status <> 'active' OR organization_members.permissions IS DISTINCT FROM EXCLUDED.permissions)
           RETURNING 1`,
          [ids.get(org.slug), userIds.get(member.login.toLowerCase()), member.permissions],
        );
        changes.membershipsChanged += result.length;
      }
    }
    return ids;
  }

  private async applyIdentities(
    tx: EntityManager,
    document: SeedDocument,
    userIds: Map<string, number>,
    organizationIds: Map<string, number>,
    changes: SeedChanges,
    progress: (m: string) => void,
  ): Promise<AuditEntry[]> {
    const events: AuditEntry[] = [];
    const needLogins = document.identities.filter((i) => i.owner && !userIds.has(i.owner.toLowerCase())).map((i) => (i.owner as string).toLowerCase());
    for (const [login, id] of await this.userIdsByLogin(tx, needLogins)) userIds.set(login, id);
    const needSlugs = document.identities.filter((i) => i.organization && !organizationIds.has(i.organization)).map((i) => i.organization as string);
    if (needSlugs.length > 0) {
      for (const r of await tx.query(`SELECT id, slug FROM organizations WHERE slug = ANY($1::text[])`, [needSlugs])) organizationIds.set(r.slug, r.id);
    }
    const violations: Violation[] = [];
    for (const identity of document.identities) {
      if (identity.owner && !userIds.has(identity.owner.toLowerCase())) violations.push({ field: `${identity.path}.owner`, code: 'unknown', message: `no user "${identity.owner}"` });
      if (identity.organization && !organizationIds.has(identity.organization)) violations.push({ field: `${identity.path}.organization`, code: 'unknown', message: `no organization "${identity.organization}"` });
    }
    if (violations.length > 0) throw new ValidationError(violations);

    for (const [index, identity] of document.identities.entries()) {
      const ownerUserId = identity.owner ? (userIds.get(identity.owner.toLowerCase()) as number) : null;
      const organizationId = identity.organization ? (organizationIds.get(identity.organization) as number) : null;
      const [existing] = await tx.query(
        `SELECT i.id, i.name, i.description, i.restrictions = $4::jsonb AS same_restrictions,
                COALESCE((SELECT array_agg(k.fingerprint_sha256 || '@' || COALESCE((extract(epoch FROM k.expires_at) * 1000)::bigint::text, '') ORDER BY k.position, k.id)
                            FROM public_keys k WHERE k.identity_id = i.id AND NOT k.derived), '{}') AS fingerprints
           FROM identities i WHERE i.slug = $1 AND (i.owner_user_id = $2 OR i.organization_id = $3) FOR UPDATE`,
        [identity.slug, ownerUserId, organizationId, JSON.stringify(identity.restrictions)],
      );
      const fingerprints = identity.keys.map((k) => `${k.parsed.fingerprintSha256}@${k.expiresAt?.getTime() ?? ''}`);
      let identityId: number;
      if (!existing) {
        const [row] = await tx.query(
          `INSERT INTO identities (slug, name, description, type, owner_user_id, organization_id, restrictions) VALUES ($1, $2, $3, 'ssh', $4, $5, $6) RETURNING id`,
          [identity.slug, identity.name, identity.description, ownerUserId, organizationId, JSON.stringify(identity.restrictions)],
        );
        identityId = row.id;
        changes.identitiesCreated += 1;
        events.push({ action: 'identity.create', resource: 'identity', resourceId: identityId, resourceName: identity.name, organizationId, details: { identityName: identity.name, identityType: 'ssh', source: 'seed' } });
      } else {
        const same =
          existing.name === identity.name &&
          existing.description === identity.description &&
          existing.same_restrictions &&
          JSON.stringify(existing.fingerprints) === JSON.stringify(fingerprints);
        if (same) continue;
        identityId = existing.id;
        await tx.query(`UPDATE identities SET name = $2, description = $3, restrictions = $4, updated_at = now(), version = version + 1 WHERE id = $1`, [
          identityId,
          identity.name,
          identity.description,
          JSON.stringify(identity.restrictions),
        ]);
        await tx.query(`DELETE FROM public_keys WHERE identity_id = $1 AND NOT derived`, [identityId]);
        changes.identitiesUpdated += 1;
        events.push({ action: 'identity.update', resource: 'identity', resourceId: identityId, resourceName: identity.name, organizationId, details: { identityName: identity.name, updatedFields: ['name', 'description', 'restrictions', 'publicKeys'], source: 'seed' } });
      }
      await this.insertKeys(tx, identity.keys.map((k, position) => ({ userId: ownerUserId, identityId, name: null, text: k.text, parsed: k.parsed, position, expiresAt: k.expiresAt })));
      if ((index + 1) % 500 === 0) progress(`applied ${index + 1} of ${document.identities.length} identities`);
    }
    return events;
  }

  private async userIdsByLogin(tx: EntityManager, logins: string[]): Promise<Map<string, number>> {
    if (logins.length === 0) return new Map();
    const rows: Array<{ id: number; login: string }> = await tx.query(`SELECT id, lower(login) AS login FROM users WHERE lower(login) = ANY($1::text[])`, [logins]);
    return new Map(rows.map((r) => [r.login, r.id]));
  }

  /** Many keys in one statement (arrays unnested into rows). */
  private async insertKeys(
    tx: EntityManager,
    rows: Array<{ userId: number | null; identityId: number | null; name: string | null; text: string; parsed: ParsedPublicKey; position?: number; expiresAt: Date | null }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    const column = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
    await tx.query(
      `INSERT INTO public_keys (user_id, identity_id, name, key_text, key_type, bits, fingerprint_sha256, fingerprint_md5, comment, position, expires_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::int[], $11::timestamptz[])`,
      [
        column((r) => r.userId),
        column((r) => r.identityId),
        column((r) => r.name),
        column((r) => r.text),
        column((r) => r.parsed.type),
        column((r) => r.parsed.bits),
        column((r) => r.parsed.fingerprintSha256),
        column((r) => r.parsed.fingerprintMd5),
        column((r) => r.parsed.comment),
        column((r) => r.position ?? 0),
        column((r) => r.expiresAt),
      ],
    );
  }
}
