/** @module The purl types Vigil models as packages, as a runtime list for readers. */
import type { PackageType } from '../model/package.js';

export const packageTypes: readonly PackageType[] = [
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'maven',
  'golang',
  'cargo',
  'gem',
  'composer',
  'nuget',
] satisfies readonly PackageType[];

export function isPackageType(value: string | undefined): value is PackageType {
  return value !== undefined && (packageTypes as readonly string[]).includes(value);
}

/** The OSV ecosystem of each language purl type's public registry. */
const publicEcosystems: Partial<Record<PackageType, string>> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  cargo: 'crates.io',
  gem: 'RubyGems',
  composer: 'Packagist',
  nuget: 'NuGet',
};

/**
 * The ecosystem a package of another tool's SBOM is matched in, read from its purl: the public
 * registry of the purl type, unless a `repository_url` qualifier names another registry (a
 * private package sharing a public name is a different package). OS packages have none: they are
 * matched through the distribution.
 */
export function ecosystemOfPurl(parts: { type: string; qualifiers?: Record<string, string | undefined> }): string | undefined {
  if (!isPackageType(parts.type)) return undefined;
  const ecosystem = publicEcosystems[parts.type];
  if (ecosystem === undefined) return undefined;
  const registry = parts.qualifiers?.repository_url;
  if (registry !== undefined && registry !== '' && parts.type !== 'golang') return undefined;
  return ecosystem;
}
