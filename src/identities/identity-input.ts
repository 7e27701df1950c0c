import { ValidationError, Violation } from '../common/domain-errors';
import { InvalidPrivateKeyError, KeyService, ParsedPublicKey } from '../keys/key.service';
import { KeyPolicy } from '../keys/key-policy';
import { Identity, IdentityRestrictions, IdentityType } from './identity.entity';

/** What a write of an identity may carry, in the domain's words (each dialect maps its fields here). */
export interface IdentityInput {
  name?: string;
  description?: string | null;
  username?: string | null;
  /** When given, the secrets the type needs are required and checked; when omitted on create, `ssh` without secrets. */
  type?: IdentityType;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** Replaces the identity's listed public keys (not the one derived from its private key). */
  publicKeys?: string[];
  restrictions?: IdentityRestrictions;
}

/** An input checked and parsed before any write. */
export interface PreparedInput {
  type: IdentityType | undefined;
  /** undefined: no private key sent; null never (parse failures are violations). */
  derived: ParsedPublicKey | null | undefined;
  listed: ParsedPublicKey[] | undefined;
}

/**
 * Checks the secrets against the type and parses keys, before any write. `current` is the stored identity on
 * update (its type applies when the change does not name one).
 */
export function prepareIdentityInput(
  input: IdentityInput,
  current: Identity | null,
  keyService: KeyService,
  parseListedKeys: (texts: string[]) => ParsedPublicKey[],
  policy: KeyPolicy,
): PreparedInput {
  const violations: Violation[] = [];
  const type = input.type ?? current?.type;
  let derived: ParsedPublicKey | null | undefined;
  const usesKey = type === 'ssh' || type === 'both';
  const usesPassword = type === 'password' || type === 'password-only' || type === 'both';
  if (input.privateKey !== undefined && usesKey) {
    try {
      derived = keyService.parsePrivateKey(input.privateKey, input.passphrase).publicKey;
      const refusal = policy.refusal(derived);
      if (refusal) violations.push({ field: 'sshKey', code: 'policy', message: refusal });
    } catch (error) {
      if (!(error instanceof InvalidPrivateKeyError)) throw error;
      violations.push({ field: error.reason === 'not_private_key' || error.reason === 'malformed' ? 'sshKey' : 'passphrase', code: error.reason, message: error.message });
    }
  }
  // Secrets a newly typed identity needs (only when the caller chose the type explicitly).
  if (!current && input.type) {
    if (usesKey && input.privateKey === undefined) {
      violations.push({ field: 'sshKey', code: 'required', message: `sshKey is required for type ${input.type}` });
    }
    if (usesPassword && input.password === undefined) {
      violations.push({ field: 'password', code: 'required', message: `password is required for type ${input.type}` });
    }
  }
  let listed: ParsedPublicKey[] | undefined;
  if (input.publicKeys !== undefined) {
    try {
      listed = parseListedKeys(input.publicKeys);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      violations.push(...error.violations);
    }
  }
  if (violations.length > 0) throw new ValidationError(violations);
  return { type, derived, listed };
}
