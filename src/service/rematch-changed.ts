/**
 * @module A stored inventory's scan findings after some packages' advisories changed, computed
 * by re-matching only the packages that can be affected and keeping the stored findings of the
 * rest. Reconciling with it changes exactly what reconciling with `scanInventory` of the whole
 * inventory changes (`rematch-changed.test.ts` compares the two on varied databases), provided:
 *
 * 1. the resource's open findings are what reconciling the whole inventory against the database
 *    before the change gave (every push and every re-evaluation keeps this so), and
 * 2. every (ecosystem, name) whose matching could give another answer is in `changed`: the
 *    database's change log lists the packages of every advisory added, changed or withdrawn, and
 *    of every advisory aliasing a CVE whose NVD record or KEV entry changed.
 *
 * One exception, by design: EPSS scores change daily and the change log leaves them out (see
 * VulnDbBuilder.putEpss), so a kept finding keeps the EPSS score it was stored with, where a
 * whole scan would read today's; a push, or a re-evaluation that re-matches its package, brings it
 * up to date.
 *
 * Why it holds. A package's findings depend on its own matches, the advisories and CVE context
 * read for them, and, through `fixAvailable`, on every other finding of the same vulnerability
 * in the inventory (PARTIAL when some have a fix and some not). So the packages re-matched are
 * closed under two relations: the same name (two versions of one package can be one finding
 * identity, of which only one is stored), and a shared vulnerability (among the stored open
 * findings and the new ones). Every finding of a vulnerability touched by the change is then
 * computed afresh from all the packages that have it, and every kept finding's vulnerability has
 * no finding among the re-matched packages, before or after, so its PARTIAL state stands.
 */
import { changeLookupKeys, inventoryLookupKeys, type PackageLookupKey } from '../match/lookup-keys.js';
import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { scanInventory } from '../scan/scan-target.js';
// Names are re-matched together by class: coarser than any ecosystem's own name comparison, so
// two packages one finding identity could join are always in one class (coarser only re-matches more).
import { nameClass } from '../store/inventory-index.js';
import type { VulnDbReader } from '../vulndb/reader.js';

const keyString = (key: PackageLookupKey) => `${key.ecosystem}\u0000${key.name}`;

/** The index keys a list of database changes concerns (each change under its exact ecosystem and its base). */
export function changedLookupKeys(changes: Iterable<{ ecosystem: string; name: string }>): PackageLookupKey[] {
  const keys = new Map<string, PackageLookupKey>();
  for (const change of changes) for (const key of changeLookupKeys(change.ecosystem, change.name)) keys.set(keyString(key), key);
  return [...keys.values()];
}

/** A set of lookup keys, for `rematchChanged`. */
export function lookupKeySet(keys: Iterable<PackageLookupKey>): ReadonlySet<string> {
  return new Set([...keys].map(keyString));
}


function holdsChangedKey(pkg: Package, inventory: Inventory, changed: ReadonlySet<string>): boolean {
  // The lookup-keys module is the index's own definition of a package's keys.
  for (const key of inventoryLookupKeys({ ...inventory, packages: [pkg] })) if (changed.has(keyString(key))) return true;
  return false;
}

export interface RematchResult {
  /** The inventory's scan findings, as a scan of the whole inventory would give them. */
  findings: Finding[];
  /** Packages matched again (the whole inventory when the stored findings could not be used). */
  rematched: number;
}

/**
 * The inventory's findings under `reader`, re-matching only what `changed` (from
 * `lookupKeySet`) can affect. `open` are the bodies of the resource's ACTIVE and SUPPRESSED
 * findings. When a stored finding names a package the inventory no longer has (the condition
 * above does not hold), the whole inventory is matched instead.
 */
export function rematchChanged(inventory: Inventory, open: readonly Finding[], changed: ReadonlySet<string>, reader: VulnDbReader): RematchResult {
  const classOfPackage = inventory.packages.map((pkg) => nameClass(pkg.name));
  const present = new Set(classOfPackage);
  const openClasses = open.map((finding) => nameClass(finding.package.name));
  if (openClasses.some((c) => !present.has(c))) {
    return { findings: scanInventory(inventory, reader).findings, rematched: inventory.packages.length };
  }

  const classes = new Set<string>();
  inventory.packages.forEach((pkg, i) => {
    if (!classes.has(classOfPackage[i]!) && holdsChangedKey(pkg, inventory, changed)) classes.add(classOfPackage[i]!);
  });
  if (classes.size === 0) return { findings: [...open], rematched: 0 };

  // Grow the classes until no vulnerability is shared across the boundary.
  let scanned: Finding[];
  let packages: Package[];
  for (;;) {
    packages = inventory.packages.filter((_pkg, i) => classes.has(classOfPackage[i]!));
    scanned = scanInventory({ ...inventory, packages }, reader).findings;
    const vulnerabilities = new Set(scanned.map((finding) => finding.vulnerabilityId));
    open.forEach((finding, i) => {
      if (classes.has(openClasses[i]!)) vulnerabilities.add(finding.vulnerabilityId);
    });
    let grew = false;
    open.forEach((finding, i) => {
      if (!classes.has(openClasses[i]!) && vulnerabilities.has(finding.vulnerabilityId)) {
        classes.add(openClasses[i]!);
        grew = true;
      }
    });
    if (!grew) break;
  }

  const kept = open.filter((_finding, i) => !classes.has(openClasses[i]!));
  return { findings: [...scanned, ...kept], rematched: packages.length };
}
