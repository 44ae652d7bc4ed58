/** @module Short stable digests, for identifiers derived from long or odd text. */
import { createHash } from 'node:crypto';

/** The first `length` hex digits of the SHA-256 of `text`. */
export function shortDigest(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
