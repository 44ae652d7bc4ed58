/**
 * @module The one way the Python catalogers turn a distribution name and version into a package.
 *
 * Names are normalised as PEP 503 says (lower case, every run of '-', '_' and '.' becomes one
 * '-'), both in the purl, as the purl spec asks for pypi, and in `name`, so that a lockfile entry,
 * a requirements pin and the installed copy they describe carry one name and one purl and the
 * catalog driver merges them. The spelling the file used is kept in `metadata.originalName`
 * when it differs. Versions are kept exactly as the file records them.
 * @see https://packaging.python.org/en/latest/specifications/name-normalization/
 * @see https://github.com/package-url/purl-spec/blob/main/types/pypi-definition.json
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';

/** A valid distribution name (PEP 508 / core metadata "Name"): ASCII letters, digits, '-', '_', '.', alphanumeric at both ends. */
const distributionName = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function isDistributionName(name: string): boolean {
  return name.length <= 200 && distributionName.test(name);
}

/** PEP 503: "Foo.Bar__baz" → "foo-bar-baz". */
export function normalizePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * A version as written in a lock or metadata file: anything without whitespace or the characters
 * that would end it in those formats. PEP 440 validity is not required here (installed metadata
 * may carry legacy versions, "===" pins are arbitrary strings); the matcher reports what it cannot
 * compare.
 */
export function isRecordedVersion(version: string): boolean {
  return version.length > 0 && version.length <= 256 && !/[\s,;"'\\]/.test(version);
}

export interface PypiPackageFields {
  name: string;
  version: string;
  licenses?: readonly string[];
  development?: boolean;
  metadata?: PackageMetadata;
  locationPath?: string;
}

export function pypiPurl(name: string, version: string): string {
  return buildPurl({ type: 'pypi', name: normalizePypiName(name), version });
}

/** The package for a distribution; `name` must already satisfy isDistributionName. */
export function pypiPackage(fields: PypiPackageFields): ParsedPackage {
  const normalized = normalizePypiName(fields.name);
  const metadata: PackageMetadata = {};
  if (normalized !== fields.name) metadata.originalName = fields.name;
  Object.assign(metadata, fields.metadata);
  const licenses = [...new Set((fields.licenses ?? []).map((l) => l.trim()).filter(Boolean))];
  return {
    name: normalized,
    version: fields.version,
    type: 'pypi',
    purl: buildPurl({ type: 'pypi', name: normalized, version: fields.version }),
    ecosystem: 'PyPI',
    ...(licenses.length > 0 ? { licenses } : {}),
    ...(fields.development !== undefined ? { development: fields.development } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    ...(fields.locationPath !== undefined ? { locationPath: fields.locationPath } : {}),
  };
}

/**
 * Collects a file's packages, one per purl and location: a package listed twice in one place is
 * development-only only if every listing says so (false wins over true, and a known answer over
 * none).
 */
export class PypiPackageSet {
  private readonly byKey = new Map<string, ParsedPackage>();

  add(pkg: ParsedPackage): void {
    const key = `${pkg.purl}\u0000${pkg.locationPath ?? ''}`;
    const existing = this.byKey.get(key);
    if (!existing) {
      this.byKey.set(key, pkg);
      return;
    }
    if (pkg.development === undefined) return;
    existing.development = existing.development === undefined ? pkg.development : existing.development && pkg.development;
  }

  list(): ParsedPackage[] {
    return [...this.byKey.values()];
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strips a UTF-8 byte-order mark, which some Windows-made files begin with. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
