import { keyFile } from '../fixtures/keys';

/**
 * Text that only ever appears inside secrets sent to sshid (passwords, passphrases, private key material).
 * Every test app checks, when it closes, that none of it reached a response body or a log line.
 */
const PRIVATE_KEY_FIXTURES = ['rsa2048', 'rsa4096', 'dsa', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'ed25519', 'ed25519-encrypted', 'rsa-pem-encrypted', 'ecdsa256-pem'];

export const SECRET_MARKERS: string[] = [
  'correct-horse-battery',
  'correct horse',
  'pem pass',
  'bootstrap-secret',
  'pa55word-never-returned',
  'hunter2-password',
  'rotate-me',
  'PRIVATE KEY',
  // The first line of key material of every private key fixture.
  ...PRIVATE_KEY_FIXTURES.map((name) => keyFile(name).split('\n').find((line) => /^[A-Za-z0-9+/]{40,}/.test(line)) as string),
];

export function findSecrets(texts: string[]): Array<{ marker: string; excerpt: string }> {
  const found: Array<{ marker: string; excerpt: string }> = [];
  for (const text of texts) {
    for (const marker of SECRET_MARKERS) {
      const at = text.indexOf(marker);
      if (at >= 0) found.push({ marker: marker.slice(0, 20), excerpt: text.slice(Math.max(0, at - 60), at + 60) });
    }
  }
  return found;
}
