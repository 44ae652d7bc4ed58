/**
 * @module The one way the Composer catalogers (composer.lock, vendor/composer/installed.json)
 * turn a package entry into a package. Both files hold entries of the same shape, and a lockfile
 * entry and the installed copy it describes get the same purl, so the driver merges them.
 * @see https://github.com/package-url/purl-spec/blob/main/types/composer-definition.json
 * @see https://getcomposer.org/doc/04-schema.md
 */
import type { PackageHash, PackageMetadata, ParsedPackage } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';
import type { CatalogContext } from '../cataloger.js';

/**
 * "vendor/package". Composer has required lower case since 2.0; older packages on Packagist
 * still carry upper-case letters, so they are accepted here (the purl lower-cases them).
 */
const composerName = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function isComposerName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 256 && composerName.test(name);
}

/** A version as Composer records it ("v1.2.3", "1.2.3", "dev-main", "2.x-dev"): kept exactly. */
export function isComposerVersion(version: unknown): version is string {
  return typeof version === 'string' && version.length > 0 && version.length <= 256 && !/\s/.test(version);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringAt(record: unknown, key: string): string | undefined {
  if (!isRecord(record)) return undefined;
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `license` is an array of SPDX ids, or one string in old packages. */
function readLicenses(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((l): l is string => typeof l === 'string').map((l) => l.trim()).filter(Boolean);
}

/** The dist archive's `shasum` is the SHA-1 of the zip; Packagist leaves it empty for GitHub zips. */
function readHashes(dist: unknown): PackageHash[] {
  const shasum = stringAt(dist, 'shasum');
  return shasum && /^[0-9a-fA-F]{40}$/.test(shasum) ? [{ algorithm: 'SHA-1', value: shasum.toLowerCase() }] : [];
}

export function composerPurl(name: string, version: string): string {
  const slash = name.indexOf('/');
  return buildPurl({ type: 'composer', namespace: name.slice(0, slash), name: name.slice(slash + 1), version });
}

/**
 * The package a composer.lock or installed.json entry describes; undefined (and a skip) when the
 * entry has no usable name or version.
 */
export function readComposerEntry(entry: unknown, development: boolean, where: string, ctx: CatalogContext): ParsedPackage | undefined {
  if (!isRecord(entry)) {
    ctx.skip(`${where} is not an object`);
    return undefined;
  }
  const { name, version } = entry;
  if (!isComposerName(name)) {
    ctx.skip(`${where} has no "vendor/package" name`);
    return undefined;
  }
  if (!isComposerVersion(version)) {
    ctx.skip(`${where} (${name}) has no version`);
    return undefined;
  }
  const metadata: PackageMetadata = {};
  const packageType = stringAt(entry, 'type');
  if (packageType) metadata.packageType = packageType;
  // For a branch ("dev-main") the commit is the only exact statement of what was installed.
  const reference = stringAt(entry.source, 'reference') ?? stringAt(entry.dist, 'reference');
  if (reference) metadata.reference = reference;
  const licenses = readLicenses(entry.license);
  const hashes = readHashes(entry.dist);
  return {
    name,
    version,
    type: 'composer',
    purl: composerPurl(name, version),
    ecosystem: 'Packagist',
    ...(licenses.length > 0 ? { licenses } : {}),
    ...(development ? { development: true } : {}),
    ...(hashes.length > 0 ? { hashes } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** One package per purl; development-only only if every listing of it says so. */
export class ComposerPackageSet {
  private readonly byPurl = new Map<string, ParsedPackage>();

  add(pkg: ParsedPackage | undefined): void {
    if (!pkg) return;
    const existing = this.byPurl.get(pkg.purl);
    if (!existing) this.byPurl.set(pkg.purl, pkg);
    else if (existing.development && !pkg.development) delete existing.development;
  }

  list(): ParsedPackage[] {
    return [...this.byPurl.values()];
  }
}

/** JSON.parse that reports failure as undefined instead of throwing. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
