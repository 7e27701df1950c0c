import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Principal, userHolds } from '../auth/principal';
import { ForbiddenError, ValidationError, Violation } from '../common/domain-errors';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { KeyService } from '../keys/key.service';
import { KeyPolicy } from '../keys/key-policy';
import { passwordHasher } from '../users/password-hasher';
import { readSeedDocument, SeedDocument } from './seed-document';
import { SeedRepository } from './seed.repository';

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
    private readonly seeds: SeedRepository,
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
      await this.seeds.lockSeeding(tx);
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
    const existing = await this.seeds.userIdsByLogin(tx, logins);
    const toCreate = document.users.filter((u) => !existing.has(u.login.toLowerCase()));
    // Only new users get a password (hashing is the slow part of a seed), and the hashes run in parallel.
    const passwords = await Promise.all(toCreate.map((u) => (u.password ? passwordHasher.hash(u.password) : Promise.resolve(null))));
    for (const [index, user] of toCreate.entries()) existing.set(user.login.toLowerCase(), await this.seeds.insertUser(tx, user, passwords[index]));
    changes.usersCreated = toCreate.length;

    const present = await this.seeds.personalKeys(tx, [...existing.values()]);
    // Keys already there whose expiry the document changes.
    for (const user of document.users) {
      const userId = existing.get(user.login.toLowerCase()) as number;
      for (const key of user.keys) {
        const stored = present.get(`${userId}/${key.parsed.fingerprintSha256}`);
        if (stored && stored.expires !== (key.expiresAt?.getTime() ?? null)) {
          await this.seeds.setKeyExpiry(tx, stored.id, key.expiresAt);
          changes.keysUpdated += 1;
        }
      }
    }
    const rows = document.users.flatMap((user) => {
      const userId = existing.get(user.login.toLowerCase()) as number;
      return user.keys.filter((k) => !present.has(`${userId}/${k.parsed.fingerprintSha256}`)).map((k) => ({ userId, identityId: null, name: k.name, text: k.text, parsed: k.parsed, expiresAt: k.expiresAt }));
    });
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.seeds.insertKeys(tx, rows.slice(i, i + CHUNK));
      progress(`added ${Math.min(i + CHUNK, rows.length)} of ${rows.length} keys`);
    }
    changes.keysAdded += rows.length;
    return existing;
  }

  private async applyOrganizations(tx: EntityManager, document: SeedDocument, userIds: Map<string, number>, changes: SeedChanges) {
    const needed = [...document.organizations.flatMap((o) => [o.owner, ...o.members.map((m) => m.login)])].map((l) => l.toLowerCase());
    const known = await this.seeds.userIdsByLogin(tx, needed.filter((l) => !userIds.has(l)));
    for (const [login, id] of known) userIds.set(login, id);
    const violations: Violation[] = [];
    document.organizations.forEach((org, i) => {
      if (!userIds.has(org.owner.toLowerCase())) violations.push({ field: `organizations[${i}].owner`, code: 'unknown', message: `no user "${org.owner}"` });
      org.members.forEach((m, j) => {
        if (!userIds.has(m.login.toLowerCase())) violations.push({ field: `organizations[${i}].members[${j}].login`, code: 'unknown', message: `no user "${m.login}"` });
      });
    });
    if (violations.length > 0) throw new ValidationError(violations);

    const ids = await this.seeds.organizationIdsBySlug(tx, document.organizations.map((o) => o.slug));
    for (const org of document.organizations) {
      if (!ids.has(org.slug)) {
        ids.set(org.slug, await this.seeds.insertOrganization(tx, org, userIds.get(org.owner.toLowerCase()) as number));
        changes.organizationsCreated += 1;
      }
      for (const member of org.members) {
        if (await this.seeds.upsertMember(tx, ids.get(org.slug) as number, userIds.get(member.login.toLowerCase()) as number, member.permissions)) {
          changes.membershipsChanged += 1;
        }
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
    for (const [login, id] of await this.seeds.userIdsByLogin(tx, needLogins)) userIds.set(login, id);
    const needSlugs = document.identities.filter((i) => i.organization && !organizationIds.has(i.organization)).map((i) => i.organization as string);
    for (const [slug, id] of await this.seeds.organizationIdsBySlug(tx, needSlugs)) organizationIds.set(slug, id);
    const violations: Violation[] = [];
    for (const identity of document.identities) {
      if (identity.owner && !userIds.has(identity.owner.toLowerCase())) violations.push({ field: `${identity.path}.owner`, code: 'unknown', message: `no user "${identity.owner}"` });
      if (identity.organization && !organizationIds.has(identity.organization)) violations.push({ field: `${identity.path}.organization`, code: 'unknown', message: `no organization "${identity.organization}"` });
    }
    if (violations.length > 0) throw new ValidationError(violations);

    for (const [index, identity] of document.identities.entries()) {
      const ownerUserId = identity.owner ? (userIds.get(identity.owner.toLowerCase()) as number) : null;
      const organizationId = identity.organization ? (organizationIds.get(identity.organization) as number) : null;
      const existing = await this.seeds.lockIdentity(tx, identity.slug, ownerUserId, organizationId, identity.restrictions);
      const fingerprints = identity.keys.map((k) => `${k.parsed.fingerprintSha256}@${k.expiresAt?.getTime() ?? ''}`);
      let identityId: number;
      if (!existing) {
        identityId = await this.seeds.insertIdentity(tx, identity, ownerUserId, organizationId);
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
        await this.seeds.overwriteIdentity(tx, identityId, identity);
        changes.identitiesUpdated += 1;
        events.push({ action: 'identity.update', resource: 'identity', resourceId: identityId, resourceName: identity.name, organizationId, details: { identityName: identity.name, updatedFields: ['name', 'description', 'restrictions', 'publicKeys'], source: 'seed' } });
      }
      await this.seeds.insertKeys(tx, identity.keys.map((k, position) => ({ userId: ownerUserId, identityId, name: null, text: k.text, parsed: k.parsed, position, expiresAt: k.expiresAt })));
      if ((index + 1) % 500 === 0) progress(`applied ${index + 1} of ${document.identities.length} identities`);
    }
    return events;
  }
}
