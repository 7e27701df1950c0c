import { InvalidPrivateKeyError, InvalidPublicKeyError, KeyService, ParsedPublicKey } from '../../src/keys/key.service';
import {
  PUBLIC_KEY_FIXTURES,
  foremanPublished,
  keyFile,
  publicKey,
  sshKeygenFingerprints,
} from '../fixtures/keys';
import { foremanKeyLength, paddedFingerprint } from '../../src/foreman/foreman-key-facts';

/** Foreman's length of a parsed key, as its presenter computes it from the stored line. */
const foremanLengthOf = (parsed: ParsedPublicKey) => foremanKeyLength({ keyText: parsed.openssh, keyType: parsed.type, bits: parsed.bits });

const keys = new KeyService();

function rejectionOf(text: string): string {
  try {
    keys.parsePublicKey(text);
  } catch (error) {
    if (error instanceof InvalidPublicKeyError) return error.reason;
    throw error;
  }
  throw new Error('the key was accepted');
}

function privateRejectionOf(text: string, passphrase?: string): string {
  try {
    keys.parsePrivateKey(text, passphrase);
  } catch (error) {
    if (error instanceof InvalidPrivateKeyError) return error.reason;
    throw error;
  }
  throw new Error('the private key was accepted');
}

describe('KeyService.parsePublicKey', () => {
  it.each(PUBLIC_KEY_FIXTURES)('matches ssh-keygen byte for byte for %s', (name) => {
    const parsed = keys.parsePublicKey(publicKey(name));
    const expected = sshKeygenFingerprints[name];
    expect(parsed.fingerprintSha256).toBe(expected.sha256);
    expect(parsed.fingerprintMd5).toBe(expected.md5);
    expect(parsed.bits).toBe(expected.bits);
  });

  it('keeps type, data and comment and normalises whitespace', () => {
    const line = publicKey('ed25519');
    const [type, data] = line.split(' ');
    const parsed = keys.parsePublicKey(`  ${type}\t${data}   alice@ed25519 \n`);
    expect(parsed.type).toBe('ssh-ed25519');
    expect(parsed.comment).toBe('alice@ed25519');
    expect(parsed.openssh).toBe(`${type} ${data} alice@ed25519`);
  });

  it('reads a key without a comment', () => {
    const [type, data] = publicKey('rsa2048').split(' ');
    const parsed = keys.parsePublicKey(`${type} ${data}`);
    expect(parsed.comment).toBeNull();
    expect(parsed.openssh).toBe(`${type} ${data}`);
  });

  it.each([
    ['rsa2048', 2048],
    ['rsa4096', 4096],
    ['ecdsa256', 520],
    ['ecdsa384', 776],
    ['ecdsa521', 1064],
    ['ed25519', 256],
    // FIDO keys report what their plain sibling reports, not the length of their application string.
    ['sk-ed25519', 256],
    ['sk-ecdsa256', 520],
  ])('reports Foreman 3.x length for %s as %d', (name, length) => {
    expect(foremanLengthOf(keys.parsePublicKey(publicKey(name)))).toBe(length);
  });

  it("gives Foreman's published fingerprint and length for its example keys", () => {
    for (const example of Object.values(foremanPublished)) {
      const parsed = keys.parsePublicKey(example.key);
      expect(paddedFingerprint(parsed.fingerprintSha256)).toBe(example.fingerprint);
      expect(foremanLengthOf(parsed)).toBe(example.length);
    }
  });

  it('decodes security-key types itself', () => {
    expect(keys.parsePublicKey(publicKey('sk-ed25519')).type).toBe('sk-ssh-ed25519@openssh.com');
    expect(keys.parsePublicKey(publicKey('sk-ecdsa256')).type).toBe('sk-ecdsa-sha2-nistp256@openssh.com');
  });

  it('rejects a private key pasted as a public key', () => {
    expect(rejectionOf(keyFile('ed25519'))).toBe('private_key');
    expect(rejectionOf(keyFile('rsa-pem-encrypted'))).toBe('private_key');
  });

  it('rejects a certificate', () => {
    expect(rejectionOf(keyFile('ed25519-cert.pub'))).toBe('certificate');
  });

  it('rejects an authorized_keys options prefix', () => {
    expect(rejectionOf(`no-pty,from="10.0.0.1" ${publicKey('ed25519')}`)).toBe('options_prefix');
  });

  it('rejects two keys on two lines', () => {
    expect(rejectionOf(`${publicKey('ed25519')}\n${publicKey('rsa2048')}`)).toBe('multiline');
  });

  it('rejects an RFC 4716 block', () => {
    const block = '---- BEGIN SSH2 PUBLIC KEY ----\nAAAAC3NzaC1lZDI1NTE5AAAAI\n---- END SSH2 PUBLIC KEY ----';
    expect(rejectionOf(block)).toBe('not_openssh');
  });

  it.each([
    ['empty text', '', 'empty'],
    ['blank text', '   ', 'empty'],
    ['garbage', 'wrong format', 'unknown_type'],
    ['a type alone', 'ssh-rsa', 'malformed'],
    ['non-base64 data', 'ssh-rsa 1234567!', 'malformed'],
    ['non-canonical base64', 'ssh-rsa 1234567', 'malformed'],
  ])('rejects %s', (_what, text, reason) => {
    expect(rejectionOf(text)).toBe(reason);
  });

  it('rejects a blob whose embedded type differs from the type word', () => {
    const [, data] = publicKey('ed25519').split(' ');
    expect(rejectionOf(`ssh-rsa ${data}`)).toBe('malformed');
  });

  it('rejects a truncated blob', () => {
    const [type, data] = publicKey('rsa2048').split(' ');
    const truncated = Buffer.from(data, 'base64').subarray(0, 100).toString('base64');
    expect(rejectionOf(`${type} ${truncated}`)).toBe('malformed');
  });

  it('says whether a known type word appears, for dialects that fingerprint leniently', () => {
    try {
      keys.parsePublicKey('ssh-rsa 1234567');
    } catch (error) {
      expect((error as InvalidPublicKeyError).hasKnownTypeToken).toBe(true);
    }
    try {
      keys.parsePublicKey('wrong format');
    } catch (error) {
      expect((error as InvalidPublicKeyError).hasKnownTypeToken).toBe(false);
    }
    expect.assertions(2);
  });
});

describe('KeyService.parsePrivateKey', () => {
  it.each(['rsa2048', 'rsa4096', 'dsa', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'ed25519', 'ecdsa256-pem'])(
    'derives the public key of %s with ssh-keygen fingerprint',
    (name) => {
      const parsed = keys.parsePrivateKey(keyFile(name));
      expect(parsed.encrypted).toBe(false);
      expect(parsed.publicKey.fingerprintSha256).toBe(sshKeygenFingerprints[name].sha256);
    },
  );

  it('opens an encrypted OpenSSH key with its passphrase', () => {
    const parsed = keys.parsePrivateKey(keyFile('ed25519-encrypted'), 'correct horse');
    expect(parsed.encrypted).toBe(true);
    expect(parsed.publicKey.fingerprintSha256).toBe(sshKeygenFingerprints['ed25519-encrypted'].sha256);
  });

  it('opens an encrypted PEM key with its passphrase', () => {
    const parsed = keys.parsePrivateKey(keyFile('rsa-pem-encrypted'), 'pem pass');
    expect(parsed.encrypted).toBe(true);
    expect(parsed.publicKey.fingerprintSha256).toBe(sshKeygenFingerprints['rsa-pem-encrypted'].sha256);
  });

  it('asks for a passphrase when an encrypted key comes without one', () => {
    expect(privateRejectionOf(keyFile('ed25519-encrypted'))).toBe('passphrase_required');
    expect(privateRejectionOf(keyFile('rsa-pem-encrypted'))).toBe('passphrase_required');
  });

  it('refuses a wrong passphrase without crashing the process', () => {
    expect(privateRejectionOf(keyFile('ed25519-encrypted'), 'wrong')).toBe('wrong_passphrase');
    expect(privateRejectionOf(keyFile('rsa-pem-encrypted'), 'wrong')).toBe('wrong_passphrase');
  });

  it('refuses a public key or garbage where a private key is expected', () => {
    expect(privateRejectionOf(publicKey('ed25519'))).toBe('not_private_key');
    expect(privateRejectionOf('hello')).toBe('not_private_key');
    expect(privateRejectionOf('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----')).toBe(
      'malformed',
    );
  });
});

describe('KeyService fingerprint forms', () => {
  it('pads and normalises fingerprints', () => {
    const fp = sshKeygenFingerprints.ed25519.sha256;
    const padded = paddedFingerprint(fp);
    expect(padded).toMatch(/=$/);
    expect(keys.normaliseFingerprint(padded)).toBe(fp);
    expect(keys.normaliseFingerprint(fp)).toBe(fp);
    expect(keys.normaliseFingerprint('nope')).toBeNull();
  });
});
