/**
 * @module The fingerprint of a finding's body (the `vigil scan --format json` finding) as the
 * JSON text it is stored as. A push compares a scan's finding with the stored one by this alone,
 * so that the bodies of the (many) unchanged findings are never read back from the store.
 */
import { hash } from 'node:crypto';

/** 128 bits of SHA-256 of the body's JSON text, base64url (22 characters). */
export function bodyDigest(bodyJson: string): string {
  // The one-shot hash: a push digests a body per finding it sees.
  return hash('sha256', bodyJson, 'base64url').slice(0, 22);
}
