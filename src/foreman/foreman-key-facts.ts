import { isSecurityKeyType, keyBlobFields } from '../keys/key.service';
import { PublicKey } from '../keys/public-key.entity';

function significantBytes(field: Buffer): number {
  let start = 0;
  while (start < field.length && field[start] === 0) start += 1;
  return field.length - start;
}

/**
 * A key's `length` as Foreman 3.x reports it: eight times the significant bytes of the blob's last field (its
 * sshkey gem gives 520/776/1064 for the ECDSA curves). A security key's blob ends with its application string
 * ("ssh:"); the key material sits just before it, so an sk-* key reports its plain sibling's length.
 */
export function foremanKeyLength(key: Pick<PublicKey, 'keyText' | 'keyType' | 'bits'>): number {
  const fields = keyBlobFields(key.keyText, key.keyType);
  if (!fields || fields.length === 0) return key.bits;
  return significantBytes(fields[fields.length - (isSecurityKeyType(key.keyType) ? 2 : 1)]) * 8;
}

/** Foreman's fingerprint form: the SHA256 digest in padded base64 without the `SHA256:` prefix. */
export function paddedFingerprint(fingerprintSha256: string): string {
  const bare = fingerprintSha256.replace(/^SHA256:/, '');
  return bare + '='.repeat((4 - (bare.length % 4)) % 4);
}
