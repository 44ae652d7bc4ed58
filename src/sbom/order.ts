/** @module The order SBOM writers list packages in, so the same inventory always gives the same document. */
import type { Package } from '../model/package.js';

/** Code-unit order, independent of the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function locationKey(pkg: Package): string {
  return pkg.locations.map((location) => location.path).join('\n');
}

/** By purl, then by location paths, then by name, version and cataloger; stable for full ties. */
export function comparePackages(a: Package, b: Package): number {
  return (
    compareStrings(a.purl, b.purl) ||
    compareStrings(locationKey(a), locationKey(b)) ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.version, b.version) ||
    compareStrings(a.foundBy, b.foundBy)
  );
}

/** A sorted copy; the input is left alone. */
export function sortPackages(packages: readonly Package[]): Package[] {
  return [...packages].sort(comparePackages);
}
