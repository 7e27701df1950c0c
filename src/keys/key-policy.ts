import { Injectable } from '@nestjs/common';
import { commaList } from '../common/comma-list';
import { AppConfig } from '../config/app-config';
import { InvalidPublicKeyError, KeyService, ParsedPublicKey } from './key.service';

/**
 * Which keys sshid accepts, one setting for every dialect (each refuses in its own error shape) and for what it
 * answers to SSH servers (keys stored before a stricter policy are no longer answered): RSA keys need
 * SSHID_KEY_MIN_RSA_BITS, DSA is refused unless SSHID_KEY_ALLOW_DSA, and SSHID_KEY_TYPES may list the types allowed.
 */
@Injectable()
export class KeyPolicy {
  private readonly minRsaBits: number;
  private readonly allowDsa: boolean;
  private readonly allowedTypes: Set<string> | null;

  constructor(config: AppConfig) {
    this.minRsaBits = config.SSHID_KEY_MIN_RSA_BITS;
    this.allowDsa = config.SSHID_KEY_ALLOW_DSA;
    const types = commaList(config.SSHID_KEY_TYPES);
    this.allowedTypes = types.length > 0 ? new Set(types) : null;
  }

  /** Why the policy refuses this key, or null when it allows it. */
  refusal(key: { type: string; bits: number }): string | null {
    if (this.allowedTypes && !this.allowedTypes.has(key.type)) return `keys of type ${key.type} are not allowed here`;
    if (key.type === 'ssh-dss' && !this.allowDsa) return 'DSA keys are not allowed here';
    if (key.type === 'ssh-rsa' && key.bits < this.minRsaBits) return `RSA keys must have at least ${this.minRsaBits} bits (this one has ${key.bits})`;
    return null;
  }
}

/**
 * A key line as sshid accepts it: parsed by the key service and allowed by the policy; otherwise why not, as a
 * violation code (the parser's reason, or `policy`) and message.
 */
export function parseAllowedKey(keys: KeyService, policy: KeyPolicy, text: string): { key: ParsedPublicKey } | { code: string; message: string } {
  try {
    const key = keys.parsePublicKey(text);
    const refusal = policy.refusal(key);
    return refusal ? { code: 'policy', message: refusal } : { key };
  } catch (error) {
    if (!(error instanceof InvalidPublicKeyError)) throw error;
    return { code: error.reason, message: error.message };
  }
}
