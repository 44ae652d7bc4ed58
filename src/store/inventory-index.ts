/**
 * @module What the inventory index holds for one inventory: each key matching looks the inventory
 * up under (`inventoryLookupKeys`), with the inventory's packages that are looked up under it and
 * their positions in its package list. Re-evaluation reads these packages instead of the whole
 * inventory when a key's advisories change.
 *
 * A key's packages are left out (null) when reading them alone could mislead re-evaluation: two
 * packages that could make one finding (same name, compared loosely, and same file) but are
 * looked up under different keys. A change to one key would then re-match one of them and not the
 * other, whose finding the first one's may have stood for. No package manager installs such a
 * pair that we know of (dpkg's multi-arch copies and rpm's kernels share their source package);
 * when one turns up, its keys fall back to reading the whole inventory.
 */
import { inventoryLookupKeys, type PackageLookupKey } from '../match/lookup-keys.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';

export interface IndexEntry {
  key: PackageLookupKey;
  /** JSON [[position, package], ...], or null when the key's packages must not be read alone. */
  packages: string | null;
}

/** The loose name two packages of one finding identity always share (every ecosystem's own comparison is finer). */
export function nameClass(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

const keyString = (key: PackageLookupKey) => `${key.ecosystem}\u0000${key.name}`;

/** The lookup keys of one package of the inventory (its distribution decides an OS package's). */
export function packageLookupKeys(inventory: Inventory, pkg: Package): PackageLookupKey[] {
  return inventoryLookupKeys({ ...inventory, packages: [pkg] });
}

export function inventoryIndexEntries(inventory: Inventory): IndexEntry[] {
  const entries = new Map<string, { key: PackageLookupKey; members: Array<[number, Package]> }>();
  const keysOfGroup = new Map<string, string>();
  const ambiguous = new Set<string>();
  const groupKeys = new Map<string, string[]>();
  inventory.packages.forEach((pkg, position) => {
    const keys = packageLookupKeys(inventory, pkg);
    const strings = keys.map(keyString);
    for (const [i, key] of keys.entries()) {
      let entry = entries.get(strings[i]!);
      if (!entry) entries.set(strings[i]!, (entry = { key, members: [] }));
      entry.members.push([position, pkg]);
    }
    const group = `${nameClass(pkg.name)}\u0000${pkg.locations[0]?.path ?? ''}`;
    const signature = [...strings].sort().join('\u0001');
    const seen = keysOfGroup.get(group);
    if (seen === undefined) keysOfGroup.set(group, signature);
    else if (seen !== signature) ambiguous.add(group);
    groupKeys.set(group, [...(groupKeys.get(group) ?? []), ...strings]);
  });
  const unreadable = new Set([...ambiguous].flatMap((group) => groupKeys.get(group) ?? []));
  return [...entries].map(([id, { key, members }]) => ({ key, packages: unreadable.has(id) ? null : JSON.stringify(members) }));
}

/**
 * An inventory as the store writes it: its JSON text and its index entries, worked out before the
 * write (a push makes them while PostgreSQL reads its stored findings).
 */
export class PreparedInventory {
  readonly json: string;
  readonly index: readonly IndexEntry[];
  constructor(readonly inventory: Inventory) {
    this.json = JSON.stringify(inventory);
    this.index = inventoryIndexEntries(inventory);
  }
}
