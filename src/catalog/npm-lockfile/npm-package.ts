/**
 * @module The one way every npm-ecosystem cataloger (package-lock, yarn.lock, pnpm-lock,
 * node_modules) turns a name and a version into a package, so that a lockfile entry and the
 * installed copy it describes get the same purl and the driver merges them.
 * @see https://github.com/package-url/purl-spec/blob/main/types/npm-definition.json
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';

/** "@scope/name" or "name": no spaces, no empty segment, nothing after the name. */
const npmName = /^(?:@[^\s/@]+\/)?[^\s/@][^\s/]*$/;

/** True when `name` is shaped like an npm package name (legacy upper-case names included). */
export function isNpmName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 214 && npmName.test(name);
}

/** A version as a lockfile records it: a non-empty string without white space. */
export function isRecordedVersion(version: unknown): version is string {
  return typeof version === 'string' && version.length > 0 && version.length <= 1024 && !/\s/.test(version);
}

/** Splits "@scope/name" into the purl's namespace and name. */
export function splitNpmName(name: string): { namespace?: string; name: string } {
  if (!name.startsWith('@')) return { name };
  const slash = name.indexOf('/');
  return { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
}

/**
 * Splits "name@spec" at the '@' that ends the name (a scoped name starts with '@' itself).
 * Undefined when there is no such '@'.
 */
export function splitNameAtSpec(text: string): { name: string; spec: string } | undefined {
  const at = text.indexOf('@', 1);
  if (at <= 0) return undefined;
  return { name: text.slice(0, at), spec: text.slice(at + 1) };
}

export interface NpmPackageFacts {
  name: string;
  version: string;
  development?: boolean;
  licenses?: string[];
  metadata?: PackageMetadata;
}

/** The package for a name and version (both already checked with isNpmName / isRecordedVersion). */
export function npmPackage(facts: NpmPackageFacts): ParsedPackage {
  const metadata = Object.fromEntries(Object.entries(facts.metadata ?? {}).filter(([, value]) => value !== '' && value !== undefined));
  return {
    name: facts.name,
    version: facts.version,
    type: 'npm',
    purl: buildPurl({ type: 'npm', ...splitNpmName(facts.name), version: facts.version }),
    ecosystem: 'npm',
    ...(facts.licenses && facts.licenses.length > 0 ? { licenses: facts.licenses } : {}),
    ...(facts.development ? { development: true } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/**
 * Collects packages, one per purl: a package listed several times (installed at several paths,
 * or under several specifiers) is one package, development-only only if every listing says so.
 */
export class NpmPackageSet {
  private readonly byPurl = new Map<string, ParsedPackage>();

  add(pkg: ParsedPackage): void {
    const existing = this.byPurl.get(pkg.purl);
    if (!existing) {
      this.byPurl.set(pkg.purl, pkg);
      return;
    }
    if (existing.development && !pkg.development) delete existing.development;
    if (!existing.licenses && pkg.licenses) existing.licenses = pkg.licenses;
  }

  list(): ParsedPackage[] {
    return [...this.byPurl.values()];
  }
}

/** A license as package.json (or a lockfile copying it) states it: "MIT", {type: "MIT"}, or a legacy array of those. */
export function readLicenses(license: unknown, legacy?: unknown): string[] {
  const one = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value.trim() || undefined;
    if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
      return (value as { type: string }).type.trim() || undefined;
    }
    return undefined;
  };
  const single = one(license);
  if (single) return [single];
  if (Array.isArray(legacy)) return legacy.map(one).filter((value): value is string => value !== undefined);
  return [];
}

/** A plain object (not null, not an array) read from JSON or YAML. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The string value of a field, or undefined. */
export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
