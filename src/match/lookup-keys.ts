/**
 * @module The (ecosystem, package name) pairs matching looks an inventory up under, so the
 * service can index stored inventories by them and reach exactly the resources a changed
 * advisory concerns. It follows `matchInventory`'s plan: OS packages under their distribution
 * release and the names its advisories use (source names, mostly), language packages under
 * their own ecosystem. `lookup-keys.test.ts` holds it to what `matchInventory` really queries.
 */
import { ecosystemBase, normalizePackageName } from '../model/ecosystem.js';
import type { Inventory } from '../model/inventory.js';
import { distroMatcherFor } from './distro/index.js';

export interface PackageLookupKey {
  /** The ecosystem queried: exact ("Debian:12", "npm"), or a base ("Red Hat") whose releases a matcher filters. */
  ecosystem: string;
  /** Normalised as the ecosystem compares names (PEP 503 for PyPI, …). */
  name: string;
}

const osPackageTypes = new Set(['deb', 'apk', 'rpm']);

function keyOf(ecosystem: string, name: string): PackageLookupKey {
  return { ecosystem, name: normalizePackageName(ecosystem, name) };
}

/**
 * Every key an inventory is looked up under, each once. Packages matching skips for want of a
 * version ordering or a valid version are still listed: a later version of Vigil may match them,
 * and an index entry too many only costs a re-match that finds nothing.
 */
export function inventoryLookupKeys(inventory: Inventory): PackageLookupKey[] {
  const keys = new Map<string, PackageLookupKey>();
  const add = (key: PackageLookupKey) => keys.set(`${key.ecosystem}\u0000${key.name}`, key);
  for (const pkg of inventory.packages) {
    if (osPackageTypes.has(pkg.type)) {
      const matcher = distroMatcherFor(inventory.distro, pkg.type);
      const queries = matcher && inventory.distro ? matcher.ecosystems(inventory.distro) : undefined;
      if (!matcher || !queries) continue;
      for (const query of queries) for (const name of matcher.names(pkg)) add(keyOf(query.ecosystem, name));
    } else if (pkg.ecosystem) {
      add(keyOf(pkg.ecosystem, pkg.name));
    }
  }
  return [...keys.values()];
}

/**
 * The index keys a changed (ecosystem, name) of the vulnerability database can concern: itself,
 * and its base, under which matchers that accept any release of a base ("Red Hat:…:9::appstream"
 * under "Red Hat") index their packages.
 */
export function changeLookupKeys(ecosystem: string, name: string): PackageLookupKey[] {
  const base = ecosystemBase(ecosystem);
  const exact = keyOf(ecosystem, name);
  return base === ecosystem ? [exact] : [exact, keyOf(base, name)];
}
