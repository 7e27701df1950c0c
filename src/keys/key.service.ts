import { createHash, createPrivateKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import * as sshpk from 'sshpk';

/** Why a text was refused as a key; stable codes that dialects turn into their own messages. */
export type KeyRejection =
  | 'empty'
  | 'multiline'
  | 'private_key'
  | 'certificate'
  | 'options_prefix'
  | 'not_openssh'
  | 'unknown_type'
  | 'malformed';

export type PrivateKeyRejection = 'not_private_key' | 'passphrase_required' | 'wrong_passphrase' | 'malformed';

export class InvalidPublicKeyError extends Error {
  constructor(
    readonly reason: KeyRejection,
    message: string,
    /** True when a known key type word appears somewhere in the text (a lenient reader could still fingerprint it). */
    readonly hasKnownTypeToken: boolean,
  ) {
    super(message);
    this.name = 'InvalidPublicKeyError';
  }
}

export class InvalidPrivateKeyError extends Error {
  constructor(
    readonly reason: PrivateKeyRejection,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidPrivateKeyError';
  }
}

export interface ParsedPublicKey {
  /** The OpenSSH type word, e.g. `ssh-ed25519` or `sk-ecdsa-sha2-nistp256@openssh.com`. */
  type: string;
  /** `type base64 [comment]`, single spaces, no options, no trailing newline. */
  openssh: string;
  comment: string | null;
  /** Bits as `ssh-keygen -l` prints them. */
  bits: number;
  /** `SHA256:` + unpadded base64, as `ssh-keygen -l -E sha256`. */
  fingerprintSha256: string;
  /** `MD5:` + colon-separated hex, as `ssh-keygen -l -E md5`. */
  fingerprintMd5: string;
}

export interface ParsedPrivateKey {
  publicKey: ParsedPublicKey;
  encrypted: boolean;
}

const SSHPK_TYPES = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
]);
/** Security-key types; sshpk cannot read them, so their blobs are decoded here. */
const SECURITY_KEY_TYPES = new Set(['sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com']);
const CERTIFICATE_SUFFIX = '-cert-v01@openssh.com';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isKnownType(word: string): boolean {
  return SSHPK_TYPES.has(word) || SECURITY_KEY_TYPES.has(word);
}

/** Splits an SSH wire blob into its length-prefixed fields; null when the lengths do not add up. */
export function splitWireFields(blob: Buffer): Buffer[] | null {
  const fields: Buffer[] = [];
  let offset = 0;
  while (offset < blob.length) {
    if (offset + 4 > blob.length) return null;
    const length = blob.readUInt32BE(offset);
    offset += 4;
    if (offset + length > blob.length) return null;
    fields.push(blob.subarray(offset, offset + length));
    offset += length;
  }
  return fields;
}

export function isSecurityKeyType(type: string): boolean {
  return SECURITY_KEY_TYPES.has(type);
}

/** The length-prefixed fields of a stored key line's blob (the word after its type word); null when unreadable. */
export function keyBlobFields(keyText: string, type: string): Buffer[] | null {
  const words = keyText.trim().split(/\s+/);
  const data = words[words.indexOf(type) + 1];
  return data && BASE64.test(data) ? splitWireFields(Buffer.from(data, 'base64')) : null;
}

/**
 * The one place sshid reads SSH keys: every dialect and every domain service parses and fingerprints through it.
 */
@Injectable()
export class KeyService {
  /** Parses one OpenSSH public key line, or throws InvalidPublicKeyError with a precise reason. */
  parsePublicKey(text: string): ParsedPublicKey {
    const trimmed = (text ?? '').trim();
    const words = trimmed.split(/\s+/).filter((w) => w.length > 0);
    const hasKnownTypeToken = words.some((w) => isKnownType(w));
    const reject = (reason: KeyRejection, message: string): never => {
      throw new InvalidPublicKeyError(reason, message, hasKnownTypeToken);
    };

    if (trimmed.length === 0) reject('empty', 'the key is empty');
    if (/PRIVATE KEY/.test(trimmed)) {
      reject('private_key', 'this is a private key; paste the public key (the .pub file) instead');
    }
    if (/[\r\n]/.test(trimmed)) {
      if (/^---- BEGIN SSH2 PUBLIC KEY ----/.test(trimmed)) {
        reject('not_openssh', 'RFC 4716 (SSH2) keys are not accepted; convert with `ssh-keygen -i -f key.pub`');
      }
      reject('multiline', 'the key must be a single line');
    }
    const [typeWord, data, ...commentWords] = words;
    if (typeWord.endsWith(CERTIFICATE_SUFFIX)) {
      reject('certificate', 'certificates are not accepted; paste the plain public key');
    }
    if (!isKnownType(typeWord)) {
      const typeAt = words.findIndex((w) => isKnownType(w) || w.endsWith(CERTIFICATE_SUFFIX));
      if (typeAt > 0) {
        reject('options_prefix', 'authorized_keys options before the key type are not accepted');
      }
      reject('unknown_type', `unknown key type "${typeWord.slice(0, 64)}"`);
    }
    if (!data || !BASE64.test(data)) reject('malformed', 'the key data is not valid base64');
    const blob = Buffer.from(data, 'base64');
    if (blob.toString('base64') !== data) reject('malformed', 'the key data is not canonical base64');

    const fields = splitWireFields(blob);
    if (!fields || fields.length === 0) return reject('malformed', 'the key data is truncated');
    if (fields[0].toString('latin1') !== typeWord) {
      reject('malformed', `the key data is a ${fields[0].toString('latin1').slice(0, 64)} key, not ${typeWord}`);
    }
    const comment = commentWords.length > 0 ? commentWords.join(' ') : null;
    const bits = SECURITY_KEY_TYPES.has(typeWord)
      ? this.securityKeyBits(typeWord, fields, reject)
      : this.sshpkBits(typeWord, trimmed, reject);

    return {
      type: typeWord,
      openssh: comment ? `${typeWord} ${data} ${comment}` : `${typeWord} ${data}`,
      comment,
      bits,
      fingerprintSha256: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
      fingerprintMd5: `MD5:${createHash('md5')
        .update(blob)
        .digest('hex')
        .replace(/(..)(?=.)/g, '$1:')}`,
    };
  }

  /**
   * Parses a private key (OpenSSH, or PEM/PKCS#8 with optional encryption) and derives its public key.
   * Encrypted PEM is opened with Node's crypto: sshpk reports a wrong PEM passphrase from a stream callback,
   * where it cannot be caught.
   */
  parsePrivateKey(text: string, passphrase?: string): ParsedPrivateKey {
    const pem = (text ?? '').trim();
    if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
      throw new InvalidPrivateKeyError('not_private_key', 'the SSH key is not a private key in OpenSSH or PEM format');
    }
    if (pem.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) {
      return this.parseOpenSshPrivateKey(pem, passphrase);
    }
    const encrypted = /ENCRYPTED/.test(pem);
    if (encrypted && !passphrase) {
      throw new InvalidPrivateKeyError('passphrase_required', 'the SSH key is encrypted; a passphrase is required');
    }
    let pkcs8: string;
    try {
      const key = createPrivateKey({ key: pem, format: 'pem', passphrase: passphrase ?? '' });
      pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch {
      if (encrypted) throw new InvalidPrivateKeyError('wrong_passphrase', 'the passphrase does not open the SSH key');
      throw new InvalidPrivateKeyError('malformed', 'the SSH private key could not be read');
    }
    return { publicKey: this.publicOf(pkcs8, 'pem'), encrypted };
  }

  /** Accepts `SHA256:xxx`, `xxx` or `xxx=` and returns the stored `SHA256:xxx` form, or null. */
  normaliseFingerprint(input: string): string | null {
    const bare = input.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
    return /^[A-Za-z0-9+/]{43}$/.test(bare) ? `SHA256:${bare}` : null;
  }

  private parseOpenSshPrivateKey(pem: string, passphrase?: string): ParsedPrivateKey {
    let encrypted = false;
    try {
      sshpk.parsePrivateKey(pem, 'ssh');
    } catch (error) {
      if (error instanceof Error && error.name === 'KeyEncryptedError') encrypted = true;
      else throw new InvalidPrivateKeyError('malformed', 'the SSH private key could not be read');
    }
    if (!encrypted) return { publicKey: this.publicOf(pem, 'ssh'), encrypted };
    if (!passphrase) {
      throw new InvalidPrivateKeyError('passphrase_required', 'the SSH key is encrypted; a passphrase is required');
    }
    try {
      const key = sshpk.parsePrivateKey(pem, 'ssh', { passphrase });
      return { publicKey: this.parsePublicKey(key.toPublic().toString('ssh')), encrypted };
    } catch {
      throw new InvalidPrivateKeyError('wrong_passphrase', 'the passphrase does not open the SSH key');
    }
  }

  private publicOf(privateText: string, format: 'ssh' | 'pem'): ParsedPublicKey {
    try {
      const key = sshpk.parsePrivateKey(privateText, format);
      return this.parsePublicKey(key.toPublic().toString('ssh'));
    } catch {
      throw new InvalidPrivateKeyError('malformed', 'the SSH private key could not be read');
    }
  }

  private sshpkBits(typeWord: string, line: string, reject: (r: KeyRejection, m: string) => never): number {
    try {
      const key = sshpk.parseKey(line, 'ssh');
      // sshpk maps the type word to its own family name; the line was already checked to carry `typeWord`.
      return key.size;
    } catch {
      return reject('malformed', `the key data is not a valid ${typeWord} key`);
    }
  }

  private securityKeyBits(typeWord: string, fields: Buffer[], reject: (r: KeyRejection, m: string) => never): number {
    if (typeWord === 'sk-ssh-ed25519@openssh.com') {
      if (fields.length !== 3 || fields[1].length !== 32) reject('malformed', 'the key data is not a valid sk-ed25519 key');
      return 256;
    }
    const [, curve, point] = fields;
    if (fields.length !== 4 || curve.toString('latin1') !== 'nistp256' || point.length !== 65 || point[0] !== 4) {
      reject('malformed', 'the key data is not a valid sk-ecdsa key');
    }
    return 256;
  }
}
