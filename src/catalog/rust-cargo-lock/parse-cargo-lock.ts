/**
 * Parses Cargo.lock (format versions 1 to 4) into crates. Every [[package]] is reported:
 * registry and git crates with their source, and the workspace's own path crates (no `source`)
 * with metadata.source = "path", because they are compiled into what is built too. Only crates
 * from crates.io (its git index or its sparse index) and from git get the OSV ecosystem
 * "crates.io": a path crate or a crate of another registry that shares a crates.io name is a
 * different crate, and matching it against crates.io advisories would only raise false alarms.
 * @see https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html
 */
import { parse as parseToml } from 'smol-toml';
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';
import type { CatalogContext } from '../cataloger.js';

const CRATES_IO_SOURCES = new Set(['registry+https://github.com/rust-lang/crates.io-index', 'sparse+https://index.crates.io/']);

export type CrateSourceKind = 'crates.io' | 'registry' | 'git' | 'path';

export function crateSourceKind(source: string | undefined): CrateSourceKind {
  if (source === undefined || source === '') return 'path';
  if (CRATES_IO_SOURCES.has(source)) return 'crates.io';
  if (source.startsWith('git+')) return 'git';
  return 'registry';
}

/** A crate as a package; `ecosystem` only for crates that crates.io advisories describe. */
export function cratePackage(name: string, version: string, kind: CrateSourceKind, metadata: PackageMetadata = {}): ParsedPackage {
  return {
    name,
    version,
    type: 'cargo',
    purl: buildPurl({ type: 'cargo', name, version }),
    ...(kind === 'crates.io' || kind === 'git' ? { ecosystem: 'crates.io' } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const HEX64 = /^[0-9a-f]{64}$/;

/** One [[package]] of the lock, as the development marks need it. */
export interface CargoLockEntry {
  name: string;
  version: string;
  /** Absent for a path crate (a workspace member, or a path dependency). */
  source?: string;
  /** "name", "name version" or "name version (source)", as the lock names each dependency. */
  dependencies: string[];
  pkg: ParsedPackage;
}

export function parseCargoLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  return readCargoLock(text, ctx).map((entry) => entry.pkg);
}

/** The lock's crates, each with the dependencies it lists. */
export function readCargoLock(text: string, ctx: CatalogContext): CargoLockEntry[] {
  let lock: Record<string, unknown>;
  try {
    lock = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    ctx.warn('UNREADABLE_LOCKFILE', `Cargo.lock is not TOML: ${(error as Error).message.split('\n')[0]}`);
    return [];
  }
  const entries = lock.package ?? [];
  if (!Array.isArray(entries)) {
    ctx.warn('UNREADABLE_LOCKFILE', 'Cargo.lock has a "package" that is not an array of tables');
    return [];
  }
  // Format 1 keeps checksums apart: [metadata] "checksum NAME VERSION (SOURCE)" = "hex".
  const v1Checksums = new Map<string, string>();
  if (isRecord(lock.metadata)) {
    for (const [key, value] of Object.entries(lock.metadata)) {
      const match = /^checksum (\S+) (\S+) \((.+)\)$/.exec(key);
      if (match && typeof value === 'string') v1Checksums.set(`${match[1]} ${match[2]} ${match[3]}`, value);
    }
  }
  const packages: CargoLockEntry[] = [];
  entries.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return ctx.skip(`package[${index}] is not a table`);
    const { name, version, source, checksum } = entry;
    if (typeof name !== 'string' || name === '') return ctx.skip(`package[${index}] has no name`);
    if (typeof version !== 'string' || version === '') return ctx.skip(`package[${index}] (${name}) has no version`);
    if (source !== undefined && typeof source !== 'string') return ctx.skip(`package[${index}] (${name}) has a source that is not a string`);
    const kind = crateSourceKind(source);
    const metadata: PackageMetadata = { source: kind === 'path' ? 'path' : source! };
    if (kind === 'git') {
      const commit = /#([0-9a-f]{7,40})$/.exec(source!)?.[1];
      if (commit) metadata.gitCommit = commit;
    }
    const sum = typeof checksum === 'string' ? checksum : source ? v1Checksums.get(`${name} ${version} ${source}`) : undefined;
    let made: ParsedPackage;
    try {
      made = cratePackage(name, version, kind, metadata);
    } catch {
      return ctx.skip(`package[${index}] (${name} ${version}) cannot be named by a purl`);
    }
    if (sum !== undefined && HEX64.test(sum)) made.hashes = [{ algorithm: 'SHA-256', value: sum }];
    const dependencies = Array.isArray(entry.dependencies) ? entry.dependencies.filter((d): d is string => typeof d === 'string') : [];
    packages.push({ name, version, ...(source !== undefined ? { source } : {}), dependencies, pkg: made });
  });
  return packages;
}
