import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';
import { ParsedPublicKey } from '../keys/key.service';
import { SeedIdentity, SeedOrganization, SeedUser } from './seed-document';

/** A key row of a bulk insert. */
export interface SeedKeyRow {
  userId: number | null;
  identityId: number | null;
  name: string | null;
  text: string;
  parsed: ParsedPublicKey;
  position?: number;
  expiresAt: Date | null;
}

/** A seeded identity as stored, with what a seed compares to decide whether it changed. */
export interface StoredSeedIdentity {
  id: number;
  name: string;
  description: string | null;
  same_restrictions: boolean;
  /** `fingerprint@expiry-ms` of the listed keys, in order. */
  fingerprints: string[];
}

/**
 * The statements of a seed: bulk reads and writes inside the seed's one transaction (every method takes it). The
 * seed service holds the rules (what is new, what changed, what to audit); this holds the SQL.
 */
@Injectable()
export class SeedRepository {
  /** One seed at a time: concurrent runs of the same file would otherwise both see rows missing. */
  async lockSeeding(tx: EntityManager): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(7002)');
  }

  /** User ids by lower-cased login, for the logins that exist. */
  @GenerateSql({ name: 'two logins', params: (f) => [f.transaction, [f.login, 'nobody']] })
  async userIdsByLogin(tx: EntityManager, logins: string[]): Promise<Map<string, number>> {
    if (logins.length === 0) return new Map();
    const rows: Array<{ id: number; login: string }> = await tx.query(`SELECT id, lower(login) AS login FROM users WHERE lower(login) = ANY($1::text[])`, [logins]);
    return new Map(rows.map((r) => [r.login, r.id]));
  }

  async insertUser(tx: EntityManager, user: SeedUser, passwordHash: string | null): Promise<number> {
    const [row] = await tx.query(
      `INSERT INTO users (login, email, first_name, last_name, password_hash, is_admin) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [user.login, user.email, user.firstName, user.lastName, passwordHash, user.admin],
    );
    return row.id;
  }

  /** The personal keys of these users, by `userId/fingerprint`, with their expiry (epoch ms). */
  @GenerateSql({ name: 'one user', params: (f) => [f.transaction, [f.userId]] })
  async personalKeys(tx: EntityManager, userIds: number[]): Promise<Map<string, { id: number; expires: number | null }>> {
    const rows: Array<{ id: number; user_id: number; fingerprint_sha256: string; expires_at: Date | null }> = await tx.query(
      `SELECT id, user_id, fingerprint_sha256, expires_at FROM public_keys WHERE identity_id IS NULL AND user_id = ANY($1::int[])`,
      [userIds],
    );
    return new Map(rows.map((r) => [`${r.user_id}/${r.fingerprint_sha256}`, { id: r.id, expires: r.expires_at?.getTime() ?? null }]));
  }

  async setKeyExpiry(tx: EntityManager, keyId: number, expiresAt: Date | null): Promise<void> {
    await tx.query(`UPDATE public_keys SET expires_at = $2, updated_at = now() WHERE id = $1`, [keyId, expiresAt]);
  }

  /** Many keys in one statement (arrays unnested into rows). */
  async insertKeys(tx: EntityManager, rows: SeedKeyRow[]): Promise<void> {
    if (rows.length === 0) return;
    const column = <T>(pick: (r: SeedKeyRow) => T) => rows.map(pick);
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

  /** Organization ids by slug, for the slugs that exist. */
  @GenerateSql({ name: 'two slugs', params: (f) => [f.transaction, ['sql-organization', 'none']] })
  async organizationIdsBySlug(tx: EntityManager, slugs: string[]): Promise<Map<string, number>> {
    if (slugs.length === 0) return new Map();
    const rows: Array<{ id: number; slug: string }> = await tx.query(`SELECT id, slug FROM organizations WHERE slug = ANY($1::text[])`, [slugs]);
    return new Map(rows.map((r) => [r.slug, r.id]));
  }

  async insertOrganization(tx: EntityManager, organization: SeedOrganization, ownerId: number): Promise<number> {
    const [row] = await tx.query(`INSERT INTO organizations (slug, name, description) VALUES ($1, $2, $3) RETURNING id`, [
      organization.slug,
      organization.name,
      organization.description,
    ]);
    await tx.query(`INSERT INTO organization_members (organization_id, user_id, role, status) VALUES ($1, $2, 'owner', 'active')`, [row.id, ownerId]);
    return row.id;
  }

  /** Adds or activates a member and sets its permissions; owners keep their role; an unchanged row is not written. */
  async upsertMember(tx: EntityManager, organizationId: number, userId: number, permissions: string[]): Promise<boolean> {
    const result = await tx.query(
      `INSERT INTO organization_members (organization_id, user_id, role, status, permissions) VALUES ($1, $2, 'member', 'active', $3)
       ON CONFLICT (organization_id, user_id) DO UPDATE SET status = 'active', permissions = EXCLUDED.permissions, updated_at = now()
       WHERE organization_members.role = 'member'
         AND (organization_members.status <> 'active' OR organization_members.permissions IS DISTINCT FROM EXCLUDED.permissions)
       RETURNING 1`,
      [organizationId, userId, permissions],
    );
    return result.length > 0;
  }

  /** The owner's identity at the slug, row-locked, with what the seed compares. */
  @GenerateSql({ name: "a user's identity", params: (f) => [f.transaction, f.identitySlug, f.userId, null, {}] })
  async lockIdentity(tx: EntityManager, slug: string, ownerUserId: number | null, organizationId: number | null, restrictions: unknown): Promise<StoredSeedIdentity | undefined> {
    const [existing] = await tx.query(
      `SELECT i.id, i.name, i.description, i.restrictions = $4::jsonb AS same_restrictions,
              COALESCE((SELECT array_agg(k.fingerprint_sha256 || '@' || COALESCE((extract(epoch FROM k.expires_at) * 1000)::bigint::text, '') ORDER BY k.position, k.id)
                          FROM public_keys k WHERE k.identity_id = i.id AND NOT k.derived), '{}') AS fingerprints
         FROM identities i WHERE i.slug = $1 AND (i.owner_user_id = $2 OR i.organization_id = $3) FOR UPDATE`,
      [slug, ownerUserId, organizationId, JSON.stringify(restrictions)],
    );
    return existing;
  }

  async insertIdentity(tx: EntityManager, identity: SeedIdentity, ownerUserId: number | null, organizationId: number | null): Promise<number> {
    const [row] = await tx.query(
      `INSERT INTO identities (slug, name, description, type, owner_user_id, organization_id, restrictions) VALUES ($1, $2, $3, 'ssh', $4, $5, $6) RETURNING id`,
      [identity.slug, identity.name, identity.description, ownerUserId, organizationId, JSON.stringify(identity.restrictions)],
    );
    return row.id;
  }

  /** Writes the document's fields over an identity and drops its listed keys (the caller inserts the new list). */
  async overwriteIdentity(tx: EntityManager, identityId: number, identity: SeedIdentity): Promise<void> {
    await tx.query(`UPDATE identities SET name = $2, description = $3, restrictions = $4, updated_at = now(), version = version + 1 WHERE id = $1`, [
      identityId,
      identity.name,
      identity.description,
      JSON.stringify(identity.restrictions),
    ]);
    await tx.query(`DELETE FROM public_keys WHERE identity_id = $1 AND NOT derived`, [identityId]);
  }
}
