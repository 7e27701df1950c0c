import { ORGANIZATION_PERMISSIONS } from '../auth/permissions';
import { Violation } from '../common/domain-errors';
import { DEFAULT_RESTRICTIONS, identitySlug } from '../identities/identity-rules';
import { IdentityRestrictions } from '../identities/identity.entity';
import { InvalidPublicKeyError, KeyService, ParsedPublicKey } from '../keys/key.service';
import { KeyPolicy } from '../keys/key-policy';

/**
 * The seed file (YAML or JSON), as used by `sshid seed` and `POST /api/sshid/v1/import`:
 *
 *   users:         [{login, email?, firstName?, lastName?, password?, admin?, keys?: [{name, key, expiresAt?}]}]
 *   organizations: [{slug, name, description?, owner, members?: [{login, permissions?}]}]
 *   identities:    [{name, id?, description?, owner? | organization?, keys?: [key line | {key, expiresAt?}], restrictions?}]
 *
 * Every key must satisfy the key policy; `expiresAt` is an ISO date.
 */
export interface SeedKey {
  name: string;
  text: string;
  parsed: ParsedPublicKey;
  expiresAt: Date | null;
}
export interface SeedUser {
  login: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  password: string | null;
  admin: boolean;
  keys: SeedKey[];
}
export interface SeedOrganization {
  slug: string;
  name: string;
  description: string | null;
  owner: string;
  members: Array<{ login: string; permissions: string[] }>;
}
export interface SeedIdentity {
  path: string;
  slug: string;
  name: string;
  description: string | null;
  owner: string | null;
  organization: string | null;
  keys: Array<{ text: string; parsed: ParsedPublicKey; expiresAt: Date | null }>;
  restrictions: IdentityRestrictions;
}
export interface SeedDocument {
  users: SeedUser[];
  organizations: SeedOrganization[];
  identities: SeedIdentity[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks a whole seed document; every problem is reported with its path, nothing is half-read. */
export function readSeedDocument(raw: unknown, keys: KeyService, policy: KeyPolicy): { document: SeedDocument; violations: Violation[] } {
  const violations: Violation[] = [];
  const fail = (field: string, message: string) => violations.push({ field, code: 'invalid', message });
  const list = (value: unknown, path: string): unknown[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      fail(path, 'must be a list');
      return [];
    }
    return value;
  };
  const text = (obj: Obj, key: string, path: string, rule: { required?: boolean; max?: number; pattern?: RegExp } = {}): string | null => {
    const value = obj[key];
    if (value === undefined || value === null || value === '') {
      if (rule.required) fail(`${path}.${key}`, 'is required');
      return null;
    }
    if (typeof value !== 'string') {
      fail(`${path}.${key}`, 'must be a string');
      return null;
    }
    if (rule.max && value.length > rule.max) fail(`${path}.${key}`, `must be at most ${rule.max} characters`);
    if (rule.pattern && !rule.pattern.test(value)) fail(`${path}.${key}`, `must match ${rule.pattern}`);
    return value;
  };
  const publicKey = (value: unknown, path: string): ParsedPublicKey | null => {
    if (typeof value !== 'string') {
      fail(path, 'must be an OpenSSH public key line');
      return null;
    }
    try {
      const parsed = keys.parsePublicKey(value);
      const refusal = policy.refusal(parsed);
      if (refusal) fail(path, refusal);
      return refusal ? null : parsed;
    } catch (error) {
      if (!(error instanceof InvalidPublicKeyError)) throw error;
      fail(path, error.message);
      return null;
    }
  };
  const expiry = (value: unknown, path: string): Date | null => {
    if (value === undefined || value === null) return null;
    const at = typeof value === 'string' || value instanceof Date ? new Date(value) : new Date(NaN);
    if (Number.isNaN(at.getTime())) fail(path, 'must be an ISO date');
    return Number.isNaN(at.getTime()) ? null : at;
  };

  const document: SeedDocument = { users: [], organizations: [], identities: [] };
  if (!isObject(raw)) {
    fail('(file)', 'must be a mapping with users, organizations and identities');
    return { document, violations };
  }
  for (const key of Object.keys(raw)) if (!['users', 'organizations', 'identities'].includes(key)) fail(key, 'is not a known section');

  const logins = new Set<string>();
  list(raw.users, 'users').forEach((entry, i) => {
    const path = `users[${i}]`;
    if (!isObject(entry)) return fail(path, 'must be a mapping');
    const login = text(entry, 'login', path, { required: true, max: 255, pattern: /^\S+$/ });
    if (login && logins.has(login.toLowerCase())) fail(`${path}.login`, `repeats user "${login}"`);
    if (login) logins.add(login.toLowerCase());
    const password = text(entry, 'password', path, { max: 1024 });
    if (password !== null && password.length < 8) fail(`${path}.password`, 'must be at least 8 characters');
    if (entry.admin !== undefined && typeof entry.admin !== 'boolean') fail(`${path}.admin`, 'must be true or false');
    const seen = new Set<string>();
    const userKeys: SeedKey[] = [];
    list(entry.keys, `${path}.keys`).forEach((keyEntry, j) => {
      const keyPath = `${path}.keys[${j}]`;
      if (!isObject(keyEntry)) return fail(keyPath, 'must be a mapping with name and key');
      const name = text(keyEntry, 'name', keyPath, { required: true, max: 255 });
      const parsed = publicKey(keyEntry.key, `${keyPath}.key`);
      if (parsed && seen.has(parsed.fingerprintSha256)) fail(`${keyPath}.key`, 'repeats a key of this user');
      if (parsed) seen.add(parsed.fingerprintSha256);
      const expiresAt = expiry(keyEntry.expiresAt, `${keyPath}.expiresAt`);
      if (name && parsed) userKeys.push({ name, text: (keyEntry.key as string).trim(), parsed, expiresAt });
    });
    if (login) {
      document.users.push({
        login,
        email: text(entry, 'email', path, { max: 255 }),
        firstName: text(entry, 'firstName', path, { max: 255 }),
        lastName: text(entry, 'lastName', path, { max: 255 }),
        password,
        admin: entry.admin === true,
        keys: userKeys,
      });
    }
  });

  const slugs = new Set<string>();
  list(raw.organizations, 'organizations').forEach((entry, i) => {
    const path = `organizations[${i}]`;
    if (!isObject(entry)) return fail(path, 'must be a mapping');
    const slug = text(entry, 'slug', path, { required: true, max: 39, pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/ });
    if (slug && slugs.has(slug)) fail(`${path}.slug`, `repeats organization "${slug}"`);
    if (slug) slugs.add(slug);
    const name = text(entry, 'name', path, { required: true, max: 100 });
    const owner = text(entry, 'owner', path, { required: true, max: 255 });
    const members = list(entry.members, `${path}.members`).flatMap((member, j) => {
      const memberPath = `${path}.members[${j}]`;
      if (!isObject(member)) {
        fail(memberPath, 'must be a mapping with login');
        return [];
      }
      const login = text(member, 'login', memberPath, { required: true, max: 255 });
      const permissions = list(member.permissions, `${memberPath}.permissions`);
      permissions.forEach((p, k) => {
        if (!(ORGANIZATION_PERMISSIONS as readonly unknown[]).includes(p)) fail(`${memberPath}.permissions[${k}]`, `must be one of ${ORGANIZATION_PERMISSIONS.join(', ')}`);
      });
      return login ? [{ login, permissions: [...new Set(permissions as string[])].sort() }] : [];
    });
    if (slug && name && owner) document.organizations.push({ slug, name, description: text(entry, 'description', path, { max: 500 }), owner, members });
  });

  const identityKeys = new Set<string>();
  list(raw.identities, 'identities').forEach((entry, i) => {
    const path = `identities[${i}]`;
    if (!isObject(entry)) return fail(path, 'must be a mapping');
    const name = text(entry, 'name', path, { required: true, max: 100 });
    const owner = text(entry, 'owner', path, { max: 255 });
    const organization = text(entry, 'organization', path, { max: 39 });
    if ((owner === null) === (organization === null)) fail(path, 'needs exactly one of owner (a login) or organization (a slug)');
    const explicitId = text(entry, 'id', path, { max: 39, pattern: /^[a-z](-?[a-z0-9]+(-[a-z0-9]+)*)?$/ });
    const slug = explicitId ?? (name ? identitySlug(name) : null);
    if (name && !slug) fail(`${path}.name`, 'gives no id (it must start with a letter); set id');
    const scopeKey = `${owner ? `u:${owner.toLowerCase()}` : `o:${organization}`}/${slug}`;
    if (slug && identityKeys.has(scopeKey)) fail(path, `repeats identity "${slug}" of the same owner`);
    identityKeys.add(scopeKey);
    const seen = new Set<string>();
    const keyList = list(entry.keys, `${path}.keys`).flatMap((value, j) => {
      // A key line, or {key, expiresAt}.
      const line = isObject(value) ? value.key : value;
      const keyPath = isObject(value) ? `${path}.keys[${j}].key` : `${path}.keys[${j}]`;
      const parsed = publicKey(line, keyPath);
      if (parsed && seen.has(parsed.fingerprintSha256)) fail(keyPath, 'repeats a key of this identity');
      if (parsed) seen.add(parsed.fingerprintSha256);
      const expiresAt = isObject(value) ? expiry(value.expiresAt, `${path}.keys[${j}].expiresAt`) : null;
      return parsed ? [{ text: (line as string).trim(), parsed, expiresAt }] : [];
    });
    if (entry.restrictions !== undefined && !isObject(entry.restrictions)) fail(`${path}.restrictions`, 'must be a mapping');
    if (name && slug) {
      document.identities.push({
        path,
        slug,
        name,
        description: text(entry, 'description', path, { max: 200 }),
        owner,
        organization,
        keys: keyList,
        restrictions: (entry.restrictions as IdentityRestrictions) ?? DEFAULT_RESTRICTIONS,
      });
    }
  });
  return { document, violations };
}
