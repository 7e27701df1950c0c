import { slugify } from '../common/slug';
import { Identity, IdentityRestrictions, IdentityType } from './identity.entity';

/** The rules of identities that need no database: slugs, default restrictions, which secrets a write keeps. */

export const DEFAULT_RESTRICTIONS: IdentityRestrictions = {
  projects: { enabled: false },
  tags: { enabled: false, matchCondition: 'or' },
};

export const ORG_IDENTITIES_DENIED = "You don't have permission to manage this organization's identities";

/**
 * Identity slugs: the slugified name, which must start with a letter and have 3 to 39 characters.
 * Null when the name gives no such slug.
 */
export function identitySlug(name: string): string | null {
  const slug = slugify(name, 39);
  return slug && /^[a-z]/.test(slug) && slug.length >= 3 ? slug : null;
}

/** The slug to try on the `attempt`-th insert of a name (a numeric suffix from the second on). */
export function uniqueSlugCandidate(name: string, attempt: number): string {
  const base = identitySlug(name) ?? `identity-${slugify(name, 29) ?? 'x'}`.replace(/-x$/, '-key');
  if (attempt === 1) return base;
  const suffix = `-${attempt}`;
  return base.slice(0, 39 - suffix.length).replace(/-+$/, '') + suffix;
}

/** The slug of an identity moved into an organization that already has one with its slug. */
export function movedSlug(identity: Pick<Identity, 'slug' | 'id'>): string {
  return `${identity.slug.slice(0, 30)}-${identity.id}`.replace(/--+/g, '-');
}

/** The secrets a write may carry. */
export interface SecretInput {
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

/**
 * Which sealed secrets a write sets: only secrets present are considered. A password for a password type drops
 * the key and passphrase; a key for `ssh` drops the password; a key sent without a passphrase drops the stored
 * one. (These are the rules of Nexterm's identity editor, which sshid applies to every dialect.)
 */
export function sealedSecrets(input: SecretInput, type: IdentityType, current: Identity | null, seal: (value: string) => Buffer): Partial<Identity> {
  const sealed: Partial<Identity> = {};
  if ((type === 'password' || type === 'password-only') && input.password !== undefined) {
    sealed.passwordSecret = seal(input.password);
    sealed.privateKeySecret = null;
    sealed.passphraseSecret = null;
  }
  if ((type === 'ssh' || type === 'both') && input.privateKey !== undefined) {
    sealed.privateKeySecret = seal(input.privateKey);
    sealed.passphraseSecret = input.passphrase !== undefined ? seal(input.passphrase) : null;
    if (type === 'ssh') sealed.passwordSecret = null;
  }
  if (type === 'both' && input.password !== undefined) sealed.passwordSecret = seal(input.password);
  if (!current) {
    sealed.passwordSecret ??= null;
    sealed.privateKeySecret ??= null;
    sealed.passphraseSecret ??= null;
  }
  return sealed;
}
