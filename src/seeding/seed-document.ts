import { plainToInstance } from 'class-transformer';
import { isISO8601, validateSync } from 'class-validator';
import { violationsOf } from '../common/body-validation.pipe';
import { Violation } from '../common/domain-errors';
import { DEFAULT_RESTRICTIONS, identitySlug } from '../identities/identity-rules';
import { IdentityRestrictions } from '../identities/identity.entity';
import { KeyService, ParsedPublicKey } from '../keys/key.service';
import { KeyPolicy, parseAllowedKey } from '../keys/key-policy';
import { SeedDocumentBody, SeedIdentityEntry, SeedOrganizationEntry, SeedUserEntry } from './seed-document.dto';

/**
 * The seed file (YAML or JSON), as used by `sshid seed` and `POST /api/sshid/v1/import`, read into what the seed
 * service applies:
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

const SECTIONS = ['users', 'organizations', 'identities'];

/**
 * Reads and checks a whole seed document; every problem is reported with its path, nothing is half-read. The field
 * rules are the DTO's (seed-document.dto.ts); this adds what needs the key parser or the whole document.
 */
export function readSeedDocument(raw: unknown, keys: KeyService, policy: KeyPolicy): { document: SeedDocument; violations: Violation[] } {
  const document: SeedDocument = { users: [], organizations: [], identities: [] };
  if (!isObject(raw)) {
    return { document, violations: [{ field: '(file)', code: 'invalid', message: 'must be a mapping with users, organizations and identities' }] };
  }
  // Unknown sections are named first, before the field rules of the known ones.
  const violations: Violation[] = Object.keys(raw)
    .filter((section) => !SECTIONS.includes(section))
    .map((section) => ({ field: section, code: 'invalid', message: 'is not a known section' }));
  const body = plainToInstance(SeedDocumentBody, raw, { enableImplicitConversion: false });
  const shapeErrors = validateSync(body, { whitelist: true, forbidUnknownValues: false, stopAtFirstError: true, validationError: { target: false, value: false } });
  violations.push(...violationsOf(shapeErrors, { brackets: true }));
  // Entries with a bad field are left out of the document: the violations already refuse the whole file.
  const shaped = new Set(shapeErrors.flatMap((error) => (error.children ?? []).map((child) => `${error.property}[${child.property}]`)));
  const listed = <T>(section: keyof SeedDocumentBody): T[] => {
    const value = body[section];
    return Array.isArray(value) && !shapeErrors.some((error) => error.property === section && error.constraints) ? (value as T[]) : [];
  };
  const fail = (field: string, message: string) => violations.push({ field, code: 'invalid', message });

  const publicKey = (value: unknown, path: string): ParsedPublicKey | null => {
    if (typeof value !== 'string') {
      fail(path, 'must be an OpenSSH public key line');
      return null;
    }
    const accepted = parseAllowedKey(keys, policy, value);
    if ('key' in accepted) return accepted.key;
    fail(path, accepted.message);
    return null;
  };
  const date = (value: string | undefined) => (value === undefined ? null : new Date(value));

  const logins = new Set<string>();
  listed<SeedUserEntry>('users').forEach((entry, i) => {
    const path = `users[${i}]`;
    if (shaped.has(path)) return;
    if (logins.has(entry.login.toLowerCase())) fail(`${path}.login`, `repeats user "${entry.login}"`);
    logins.add(entry.login.toLowerCase());
    const seen = new Set<string>();
    const userKeys: SeedKey[] = [];
    (entry.keys ?? []).forEach((keyEntry, j) => {
      const keyPath = `${path}.keys[${j}].key`;
      const parsed = publicKey(keyEntry.key, keyPath);
      if (parsed && seen.has(parsed.fingerprintSha256)) fail(keyPath, 'repeats a key of this user');
      if (parsed) seen.add(parsed.fingerprintSha256);
      if (parsed) userKeys.push({ name: keyEntry.name, text: keyEntry.key.trim(), parsed, expiresAt: date(keyEntry.expiresAt) });
    });
    document.users.push({
      login: entry.login,
      email: entry.email ?? null,
      firstName: entry.firstName ?? null,
      lastName: entry.lastName ?? null,
      password: entry.password ?? null,
      admin: entry.admin === true,
      keys: userKeys,
    });
  });

  const slugs = new Set<string>();
  listed<SeedOrganizationEntry>('organizations').forEach((entry, i) => {
    const path = `organizations[${i}]`;
    if (shaped.has(path)) return;
    if (slugs.has(entry.slug)) fail(`${path}.slug`, `repeats organization "${entry.slug}"`);
    slugs.add(entry.slug);
    const members = (entry.members ?? []).map((member) => ({ login: member.login, permissions: [...new Set(member.permissions ?? [])].sort() }));
    document.organizations.push({ slug: entry.slug, name: entry.name, description: entry.description ?? null, owner: entry.owner, members });
  });

  const identityKeys = new Set<string>();
  listed<SeedIdentityEntry>('identities').forEach((entry, i) => {
    const path = `identities[${i}]`;
    if (shaped.has(path)) return;
    const owner = entry.owner ?? null;
    const organization = entry.organization ?? null;
    if ((owner === null) === (organization === null)) fail(path, 'needs exactly one of owner (a login) or organization (a slug)');
    const slug = entry.id ?? identitySlug(entry.name);
    if (!slug) return fail(`${path}.name`, 'gives no id (it must start with a letter); set id');
    const scopeKey = `${owner ? `u:${owner.toLowerCase()}` : `o:${organization}`}/${slug}`;
    if (identityKeys.has(scopeKey)) fail(path, `repeats identity "${slug}" of the same owner`);
    identityKeys.add(scopeKey);
    const seen = new Set<string>();
    const keyList = (entry.keys ?? []).flatMap((value, j) => {
      // A key line, or {key, expiresAt}.
      const line = isObject(value) ? value.key : value;
      const keyPath = isObject(value) ? `${path}.keys[${j}].key` : `${path}.keys[${j}]`;
      const parsed = publicKey(line, keyPath);
      if (parsed && seen.has(parsed.fingerprintSha256)) fail(keyPath, 'repeats a key of this identity');
      if (parsed) seen.add(parsed.fingerprintSha256);
      const expiresAt = isObject(value) ? identityKeyExpiry(value.expiresAt, `${path}.keys[${j}].expiresAt`, fail) : null;
      return parsed ? [{ text: (line as string).trim(), parsed, expiresAt }] : [];
    });
    document.identities.push({
      path,
      slug,
      name: entry.name,
      description: entry.description ?? null,
      owner,
      organization,
      keys: keyList,
      restrictions: (entry.restrictions as IdentityRestrictions | undefined) ?? DEFAULT_RESTRICTIONS,
    });
  });
  return { document, violations };
}

/** An identity's key entry is a line or a mapping, so its optional expiry is checked here rather than by the DTO. */
function identityKeyExpiry(value: unknown, path: string, fail: (field: string, message: string) => void): Date | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !isISO8601(value)) {
    fail(path, 'must be an ISO date');
    return null;
  }
  return new Date(value);
}
