/**
 * @module Parses an rpm package database file of any of rpm's three formats, told apart by their
 * first bytes (not their names): SQLite, Berkeley DB hash, ndb.
 */
import type { Distro } from '../../model/distro.js';
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isBdbHash, readBdbHashBlobs } from './bdb.js';
import { parseRpmHeader } from './header.js';
import { isNdb, readNdbBlobs } from './ndb.js';
import { toRpmPackage } from './package.js';
import type { BlobsResult } from './read-result.js';
import { isSqlite, readSqliteBlobs } from './sqlite.js';

export type RpmDbFormat = 'sqlite' | 'bdb' | 'ndb';

export function detectRpmDbFormat(bytes: Uint8Array): RpmDbFormat | undefined {
  if (isSqlite(bytes)) return 'sqlite';
  if (isNdb(bytes)) return 'ndb';
  if (isBdbHash(bytes)) return 'bdb';
  return undefined;
}

const readers: Record<RpmDbFormat, (bytes: Uint8Array, skip: (reason: string) => void) => BlobsResult> = {
  sqlite: readSqliteBlobs,
  bdb: readBdbHashBlobs,
  ndb: readNdbBlobs,
};

/** Header blobs to packages; a malformed blob is one skip, a pseudo-package is dropped. */
export function parseRpmHeaderBlobs(blobs: Iterable<Uint8Array>, ctx: { distro?: Distro; skip(reason: string): void }): ParsedPackage[] {
  const packages: ParsedPackage[] = [];
  for (const blob of blobs) {
    const parsed = parseRpmHeader(blob);
    if (!parsed.ok) {
      ctx.skip(parsed.reason);
      continue;
    }
    const pkg = toRpmPackage(parsed.header, ctx.distro);
    if (pkg) packages.push(pkg);
  }
  return packages;
}

/** The packages of one database file held in memory; a file of no known format is one warning. */
export function parseRpmDatabaseBytes(bytes: Uint8Array, ctx: CatalogContext): ParsedPackage[] {
  const format = detectRpmDbFormat(bytes);
  if (!format) {
    ctx.warn('UNKNOWN_FORMAT', 'not an rpm database in a known format (SQLite, Berkeley DB hash or ndb)');
    return [];
  }
  const result = readers[format](bytes, (reason) => ctx.skip(reason));
  if (!result.ok) {
    ctx.warn('UNREADABLE_DATABASE', `cannot read the rpm ${format} database: ${result.reason}`);
    return [];
  }
  return parseRpmHeaderBlobs(result.blobs, ctx);
}

export async function parseRpmDatabase(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseRpmDatabaseBytes(await file.read(), ctx);
}
