/**
 * @module Content-addressed blobs: digest syntax, where a blob lives in a layout, and reading
 * small blobs with their digest checked.
 * @see https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
 */
import { createHash } from 'node:crypto';
import { VigilError } from '../../errors.js';
import { readSmallFile, type ArchiveFiles } from './archive-files.js';

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** The algorithm name Node's crypto knows for a digest ("sha256"). */
export function digestAlgorithm(digest: string): string {
  return digest.slice(0, digest.indexOf(':'));
}

/** Where a blob lives inside an OCI image layout. The digest must have been checked with isDigest. */
export function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Reads a small blob (a manifest, an index, a config) and checks it against its digest. */
export async function readVerifiedBlob(files: ArchiveFiles, digest: string, what: string): Promise<Buffer> {
  if (!isDigest(digest)) throw new VigilError('TARGET_CORRUPT', `${files.label}: the ${what} has an invalid digest "${String(digest)}"`);
  const name = blobPath(digest);
  if ((await files.size(name)) === undefined) throw new VigilError('TARGET_CORRUPT', `${files.label}: the ${what} blob ${digest} is missing`);
  const data = await readSmallFile(files, name);
  const actual = `${digestAlgorithm(digest)}:${createHash(digestAlgorithm(digest)).update(data).digest('hex')}`;
  if (actual !== digest) throw new VigilError('TARGET_CORRUPT', `${files.label}: the ${what} blob ${digest} does not match its digest (it hashes to ${actual})`);
  return data;
}

/** Parses JSON that came from the archive. */
export function parseJson(data: Buffer, label: string, what: string): unknown {
  try {
    return JSON.parse(data.toString('utf8')) as unknown;
  } catch (error) {
    throw new VigilError('TARGET_CORRUPT', `${label}: the ${what} is not valid JSON (${(error as Error).message})`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
