/**
 * @module How one distribution's OS packages meet its advisories: which OSV ecosystem string the
 * release files them under, which package name they use, and which version to compare.
 */
import type { Distro } from '../../model/distro.js';
import type { Package, PackageType } from '../../model/package.js';

export interface EcosystemQuery {
  /** An exact ecosystem string ("Debian:12"), or a base whose release suffixes `accept` filters. */
  ecosystem: string;
  accept?: (ecosystem: string) => boolean;
}

export interface DistroMatcher {
  name: string;
  /** os-release IDs served (ID_LIKE is not used: a derivative's packages are not its parent's). */
  ids: readonly string[];
  packageTypes: readonly PackageType[];
  /** Where this release's advisories are filed; undefined when the release cannot be named. */
  ecosystems(distro: Distro): EcosystemQuery[] | undefined;
  /** The names advisories may use for the package (source package names, mostly). */
  names(pkg: Package): string[];
  /** The version to compare (the source version, where advisories are about sources). */
  version(pkg: Package): string;
}

/** "9.4" → "9"; "22.04" → "22". */
export function majorVersion(distro: Distro): string | undefined {
  return distro.versionId?.split('.')[0] || undefined;
}

export function sourceName(pkg: Package): string {
  return pkg.source?.name ?? pkg.name;
}

export function sourceVersion(pkg: Package): string {
  return pkg.source?.version ?? pkg.version;
}
