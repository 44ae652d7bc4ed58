/**
 * @module Package hashes in SBOMs: each algorithm Vigil models, with its CycloneDX and SPDX 2.3
 * names and digest length, in one table for both writers and readers.
 *
 * A hash is written only when its value is lower-case hex of its algorithm's length (what the
 * model promises; CycloneDX's `hash-content` pattern rejects other lengths). Readers take upper-case
 * hex from other tools and lower-case it, and skip algorithms and values Vigil does not model.
 * @see https://cyclonedx.org/docs/1.6/json/#components_items_hashes
 * @see https://spdx.github.io/spdx-spec/v2.3/package-information/#710-package-checksum-field
 */
import type { PackageHash } from '../model/package.js';

type Algorithm = PackageHash['algorithm'];

interface HashNames {
  /** CycloneDX `hash-alg` (1.4–1.6). */
  cyclonedx: string;
  /** SPDX 2.3 checksum algorithm (clause 7.10). */
  spdx: string;
  hexLength: number;
}

/** Keyed by the model's algorithm, so the compiler fails when the model gains one. */
export const hashAlgorithms: Readonly<Record<Algorithm, HashNames>> = {
  MD5: { cyclonedx: 'MD5', spdx: 'MD5', hexLength: 32 },
  'SHA-1': { cyclonedx: 'SHA-1', spdx: 'SHA1', hexLength: 40 },
  'SHA-256': { cyclonedx: 'SHA-256', spdx: 'SHA256', hexLength: 64 },
  'SHA-512': { cyclonedx: 'SHA-512', spdx: 'SHA512', hexLength: 128 },
};

const entries = Object.entries(hashAlgorithms) as [Algorithm, HashNames][];

/** True when the value is lower-case hex of the algorithm's digest length. */
export function isWellFormedHash(hash: PackageHash): boolean {
  const entry = Object.hasOwn(hashAlgorithms, hash.algorithm) ? hashAlgorithms[hash.algorithm] : undefined;
  return entry !== undefined && hash.value.length === entry.hexLength && /^[0-9a-f]+$/.test(hash.value);
}

/** The package's hashes a writer may put in a document, in their order. */
export function writableHashes(hashes: readonly PackageHash[] | undefined): PackageHash[] {
  return (hashes ?? []).filter(isWellFormedHash);
}

export function cycloneDxAlgorithm(algorithm: Algorithm): string {
  return hashAlgorithms[algorithm].cyclonedx;
}

export function spdxAlgorithm(algorithm: Algorithm): string {
  return hashAlgorithms[algorithm].spdx;
}

function readHash(name: unknown, value: unknown, field: 'cyclonedx' | 'spdx'): PackageHash | undefined {
  const entry = entries.find(([, names]) => names[field] === name);
  if (!entry || typeof value !== 'string') return undefined;
  const hash: PackageHash = { algorithm: entry[0], value: value.toLowerCase() };
  return isWellFormedHash(hash) ? hash : undefined;
}

/** A CycloneDX `{ alg, content }`, or undefined when Vigil does not model it. */
export function hashFromCycloneDx(alg: unknown, content: unknown): PackageHash | undefined {
  return readHash(alg, content, 'cyclonedx');
}

/** An SPDX `{ algorithm, checksumValue }`, or undefined when Vigil does not model it. */
export function hashFromSpdx(algorithm: unknown, checksumValue: unknown): PackageHash | undefined {
  return readHash(algorithm, checksumValue, 'spdx');
}
