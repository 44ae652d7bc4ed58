/**
 * Reads the dependency list cargo-auditable embeds in Rust binaries: zlib-compressed JSON
 * {"packages": [{name, version, source, kind, dependencies, root}]} in a `.dep-v0` section
 * (ELF and PE; Mach-O keeps it as section .dep-v0 of segment __DATA). Runtime crates are what
 * the binary contains; build-time crates (build scripts, proc macros) ran only while it was
 * built, so they are kept and marked development, with metadata.kind = "build".
 * @see https://github.com/rust-secure-code/cargo-auditable/blob/master/PARSING.md
 */
import { inflateSync } from 'node:zlib';
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import { readExecutable } from '../binary/executable.js';
import type { CatalogContext } from '../cataloger.js';
import type { RandomAccessBytes } from '../random-access-bytes.js';
import { cratePackage, type CrateSourceKind } from '../rust-cargo-lock/parse-cargo-lock.js';

export const AUDIT_SECTION = '.dep-v0';
/** Real lists are a few kilobytes; anything that inflates past this is refused (zlib bombs). */
export const MAX_AUDIT_JSON = 8 * 1024 * 1024;
/** The most of the section read: more than any zlib stream inflating to MAX_AUDIT_JSON needs. */
const MAX_AUDIT_COMPRESSED = MAX_AUDIT_JSON + MAX_AUDIT_JSON / 8 + 64 * 1024;

function sourceKind(source: string): CrateSourceKind {
  switch (source) {
    case 'crates.io':
      return 'crates.io';
    case 'git':
      return 'git';
    case 'local':
      return 'path';
    default:
      // "registry" (an alternative registry) or a source kind newer than this reader.
      return 'registry';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Packages from the decompressed JSON. */
export function auditDataPackages(json: string, ctx: CatalogContext): ParsedPackage[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    ctx.warn('UNREADABLE_AUDIT_DATA', `the ${AUDIT_SECTION} dependency list is not JSON`);
    return [];
  }
  if (!isRecord(data) || !Array.isArray(data.packages)) {
    ctx.warn('UNREADABLE_AUDIT_DATA', `the ${AUDIT_SECTION} dependency list has no "packages" array`);
    return [];
  }
  const packages: ParsedPackage[] = [];
  data.packages.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return ctx.skip(`packages[${index}] is not an object`);
    const { name, version, source, kind, root } = entry;
    if (typeof name !== 'string' || name === '') return ctx.skip(`packages[${index}] has no name`);
    if (typeof version !== 'string' || version === '') return ctx.skip(`packages[${index}] (${name}) has no version`);
    if (typeof source !== 'string') return ctx.skip(`packages[${index}] (${name}) has no source`);
    if (kind !== undefined && kind !== 'runtime' && kind !== 'build') return ctx.skip(`packages[${index}] (${name}) has an unknown kind`);
    const metadata: PackageMetadata = { source: sourceKind(source) === 'path' ? 'path' : source };
    if (kind === 'build') metadata.kind = 'build';
    if (root === true) metadata.root = true;
    let made: ParsedPackage;
    try {
      made = cratePackage(name, version, sourceKind(source), metadata);
    } catch {
      return ctx.skip(`packages[${index}] (${name} ${version}) cannot be named by a purl`);
    }
    if (kind === 'build') made.development = true;
    packages.push(made);
  });
  return packages;
}

/**
 * A binary's crates; [] for executables without cargo-auditable data. Only the tables and the
 * `.dep-v0` section are read, not the whole program.
 */
export async function parseAuditBinary(file: RandomAccessBytes | Buffer, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const exe = await readExecutable(file);
  const section = exe?.section(AUDIT_SECTION);
  if (!exe || !section) return [];
  // No more is read than a zlib stream inflating to the limit can take (stored blocks cost 5
  // bytes per 64 KiB), however large the section claims to be.
  const compressed = await exe.sectionData({ ...section, fileSize: Math.min(section.fileSize, MAX_AUDIT_COMPRESSED) });
  let json: Buffer;
  try {
    json = inflateSync(compressed, { maxOutputLength: MAX_AUDIT_JSON });
  } catch (error) {
    const tooLarge = error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    ctx.warn(
      'UNREADABLE_AUDIT_DATA',
      tooLarge ? `the ${AUDIT_SECTION} dependency list inflates past ${MAX_AUDIT_JSON} bytes` : `the ${AUDIT_SECTION} section is not zlib data`,
    );
    return [];
  }
  return auditDataPackages(json.toString('utf8'), ctx);
}
