import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Permission } from '../auth/permissions';
import { AccessService } from '../access/access.service';
import { Principal } from '../auth/principal';
import { ForbiddenError, NotFoundError, ValidationError, Violation } from '../common/domain-errors';
import { Identity } from '../identities/identity.entity';
import { isUniqueViolation } from '../users/users.service';
import { InvalidPublicKeyError, KeyService, ParsedPublicKey } from './key.service';
import { KeyPolicy, parseAllowedKey } from './key-policy';
import { PublicKey } from './public-key.entity';
import { KeyListQuery, KeyLookup, KeyPage, PublicKeysRepository } from './public-keys.repository';

/** A user's personal public keys (not attached to an identity), and the keys inside identities. */
const TAKEN: Violation = { field: 'fingerprint', code: 'taken', message: 'has already been taken' };

@Injectable()
export class PublicKeysService {
  constructor(
    private readonly keys: PublicKeysRepository,
    private readonly keyService: KeyService,
    private readonly access: AccessService,
    private readonly policy: KeyPolicy,
  ) {}

  async listForUser(principal: Principal, userId: number, query: KeyListQuery): Promise<KeyPage> {
    await this.authorizeForUser(principal, userId, 'ssh_keys.view');
    return this.keys.listPersonal(userId, query);
  }

  /**
   * One of the user's personal keys: the first lookup that names one wins (a dialect decides how its references
   * become lookups); `reference` is what the caller asked for, for the not-found error.
   */
  async findForUser(principal: Principal, userId: number, lookups: KeyLookup[], reference: string, permission: Permission = 'ssh_keys.view'): Promise<PublicKey> {
    await this.authorizeForUser(principal, userId, permission);
    const key = await this.keys.findPersonal(userId, lookups);
    if (!key) throw new NotFoundError('ssh_key', reference);
    return key;
  }

  /** Adds a personal key, checking every rule and reporting all failures at once, in a stable order. */
  async addForUser(principal: Principal, userId: number, input: { name?: string | null; key?: string | null; expiresAt?: Date | null }): Promise<PublicKey> {
    await this.authorizeForUser(principal, userId, 'ssh_keys.create');
    const name = typeof input.name === 'string' ? input.name.trim() : input.name;
    const text = typeof input.key === 'string' ? input.key.trim() : input.key;
    const violations: Violation[] = [];
    if (typeof name === 'string' && name.length > 255) {
      violations.push({ field: 'name', code: 'too_long', message: 'is too long (maximum is 255 characters)' });
    }
    if (!name) violations.push({ field: 'name', code: 'blank', message: "can't be blank" });

    let parsed: ParsedPublicKey | null = null;
    let fingerprintable = false;
    if (!text) violations.push({ field: 'key', code: 'blank', message: "can't be blank" });
    if (typeof text === 'string') {
      try {
        parsed = this.keyService.parsePublicKey(text);
        fingerprintable = true;
        const refusal = this.policy.refusal(parsed);
        if (refusal) violations.push({ field: 'key', code: 'policy', message: refusal });
      } catch (error) {
        if (!(error instanceof InvalidPublicKeyError)) throw error;
        violations.push({ field: 'key', code: 'invalid', message: error.message });
        fingerprintable = error.hasKnownTypeToken && error.reason !== 'multiline' && error.reason !== 'empty';
      }
    }
    if (!/^(ssh|ecdsa|sk)-[^\r\n]*$/.test(text ?? '')) {
      violations.push({ field: 'key', code: 'format', message: 'must be in OpenSSH public key format' });
    }
    if (typeof text === 'string' && /[\r\n]/.test(text)) {
      violations.push({ field: 'key', code: 'multiline', message: 'should be a single line' });
    }
    const takenAt = violations.length;
    if (!fingerprintable) violations.push({ field: 'fingerprint', code: 'missing', message: 'could not be generated' });
    if (!parsed) violations.push({ field: 'length', code: 'missing', message: 'could not be calculated' });
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      violations.push({ field: 'expiresAt', code: 'past', message: 'must be in the future' });
    }
    // A repeated fingerprint is reported with the other problems, in its place; alone, the insert's unique index
    // reports it (below), which saves a query on every key added.
    if (violations.length > 0 && parsed && (await this.keys.personalFingerprintTaken(userId, parsed.fingerprintSha256))) {
      violations.splice(takenAt, 0, TAKEN);
    }
    if (violations.length > 0 || !parsed) throw new ValidationError(violations);

    try {
      return await this.keys.insertPersonal({ ...this.columnsOf(parsed, text as string), userId, identityId: null, name: name as string, expiresAt: input.expiresAt ?? null });
    } catch (error) {
      if (isUniqueViolation(error, 'public_keys_personal_fingerprint')) {
        throw new ValidationError([TAKEN]);
      }
      throw error;
    }
  }

  async removeForUser(principal: Principal, userId: number, lookups: KeyLookup[], reference: string): Promise<PublicKey> {
    const key = await this.findForUser(principal, userId, lookups, reference, 'ssh_keys.delete');
    if (!(await this.keys.deletePersonal(userId, key.id))) throw new NotFoundError('ssh_key', reference);
    return key;
  }

  /**
   * Sets or clears a key's expiry: a personal key of someone the caller may manage keys for, or a key of an
   * identity the caller may change. Keys the caller may not touch are reported as not found.
   */
  async setExpiry(principal: Principal, keyId: number, expiresAt: Date | null): Promise<PublicKey> {
    if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new ValidationError([{ field: 'expiresAt', code: 'invalid', message: 'must be an ISO date or null' }]);
    const key = Number.isSafeInteger(keyId) && keyId > 0 && keyId <= 2147483647 ? await this.keys.findById(keyId) : null;
    if (!key) throw new NotFoundError('ssh_key', keyId);
    if (key.identity) {
      await this.access.requireIdentityManageable(principal, key.identity, 'identities.update');
    } else {
      try {
        await this.authorizeForUser(principal, key.userId as number, 'ssh_keys.create');
      } catch (error) {
        // Someone else's personal key is not there for a caller who may not manage it.
        if (error instanceof ForbiddenError && error.reason === 'missing_permission' && key.userId !== principal.user.id) throw new NotFoundError('ssh_key', keyId);
        throw error;
      }
    }
    return this.keys.setExpiry(key.id, expiresAt);
  }

  /**
   * Parses the keys sent for an identity, refusing bad and repeated ones with the index of each.
   * `field` names the list in the caller's words (e.g. `sshPublicKeys`).
   */
  parseIdentityKeys(texts: string[], field: string): ParsedPublicKey[] {
    const violations: Violation[] = [];
    const seen = new Map<string, number>();
    const parsed: ParsedPublicKey[] = [];
    texts.forEach((text, index) => {
      const accepted = parseAllowedKey(this.keyService, this.policy, text);
      if (!('key' in accepted)) {
        violations.push({ field: `${field}.${index}.key`, code: accepted.code, message: accepted.message });
        return;
      }
      const first = seen.get(accepted.key.fingerprintSha256);
      if (first !== undefined) {
        violations.push({ field: `${field}.${index}.key`, code: 'duplicate', message: `repeats key ${first} (same fingerprint)` });
        return;
      }
      seen.set(accepted.key.fingerprintSha256, index);
      parsed.push(accepted.key);
    });
    if (violations.length > 0) throw new ValidationError(violations);
    return parsed;
  }

  /** Replaces the listed (non-derived) keys of an identity inside the caller's transaction. */
  async replaceIdentityKeys(manager: EntityManager, identity: Identity, keys: ParsedPublicKey[], texts: string[]): Promise<void> {
    const rows = keys.map((parsed, position) => ({ ...this.columnsOf(parsed, texts[position].trim()), userId: identity.ownerUserId, position }));
    await this.keys.replaceIdentityKeys(manager, identity.id, rows);
  }

  /** Sets (or clears) the public half of the identity's private key. */
  async setDerivedKey(manager: EntityManager, identity: Identity, parsed: ParsedPublicKey | null): Promise<void> {
    await this.keys.setDerivedKey(manager, identity.id, parsed ? { ...this.columnsOf(parsed, parsed.openssh), userId: identity.ownerUserId } : null);
  }

  private columnsOf(parsed: ParsedPublicKey, text: string): Partial<PublicKey> {
    return {
      keyText: text,
      keyType: parsed.type,
      bits: parsed.bits,
      fingerprintSha256: parsed.fingerprintSha256,
      fingerprintMd5: parsed.fingerprintMd5,
      comment: parsed.comment,
    };
  }

  private authorizeForUser(principal: Principal, userId: number, permission: Permission): Promise<void> {
    return this.access.requirePersonalKeys(principal, userId, permission, () => this.keys.userExists(userId));
  }
}
