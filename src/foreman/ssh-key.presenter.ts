import { PublicKey } from '../keys/public-key.entity';
import { foremanKeyLength, paddedFingerprint } from './foreman-key-facts';

/** Ruby's `Time#to_s` in UTC: `2022-03-29 08:37:23 UTC`. */
export function foremanTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The `main` view shared by index, show and create (field order as Foreman emits it). */
export function presentSshKey(key: PublicKey) {
  return {
    created_at: foremanTime(key.createdAt),
    updated_at: foremanTime(key.updatedAt),
    id: key.id,
    name: key.name,
    key: key.keyText,
    length: foremanKeyLength(key),
    fingerprint: paddedFingerprint(key.fingerprintSha256),
  };
}

/** Destroy answers with the record itself: column order, ISO times, and `user_id`. */
export function presentDestroyedSshKey(key: PublicKey) {
  return {
    id: key.id,
    name: key.name,
    key: key.keyText,
    fingerprint: paddedFingerprint(key.fingerprintSha256),
    user_id: key.userId,
    length: foremanKeyLength(key),
    created_at: key.createdAt.toISOString(),
    updated_at: key.updatedAt.toISOString(),
  };
}

/** Rails escapes `<`, `>` and `&` in JSON it renders from the layout (search and sort). */
export function htmlSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}
