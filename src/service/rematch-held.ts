/**
 * @module Re-matching a resource from what the inventory index holds for the changed keys (the
 * packages under them, and the resource's findings in outline), without reading its inventory or
 * the bodies of findings the change cannot touch. It says which stored findings the new matches
 * replace; reconciling those with the new matches gives what reconciling the whole inventory's
 * scan would (`rematch-changed.test.ts` compares the two), under the conditions of
 * `rematch-changed.ts`, or it says the whole inventory must be read:
 *
 * - Which findings are the re-matched packages': those whose package name (compared loosely) and
 *   file are a re-matched package's. Any other package with that loose name and file is looked up
 *   under the same keys (the index leaves a key's packages out otherwise, see
 *   src/store/inventory-index.ts), so it is re-matched too; closed findings caught by the loose
 *   comparison only matter if their identity is matched again, which is what reopening needs.
 * - A vulnerability the re-matched packages have (before or after) that an open finding of another
 *   package also has: its PARTIAL state depends on packages not at hand. Read the whole inventory.
 */
import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { scanInventory } from '../scan/scan-target.js';
import type { FindingId, FindingOutline, HeldPackages } from '../store/index.js';
import { nameClass } from '../store/inventory-index.js';
import type { VulnDbReader } from '../vulndb/reader.js';

export type HeldRematch =
  /** The index cannot say enough: re-match from the whole inventory. */
  | { kind: 'whole' }
  /** Reconcile `replaces` (stored findings, any status) with `scanned`; leave every other finding as it is. */
  | { kind: 'scoped'; scanned: Finding[]; replaces: FindingId[] };

const ownerKey = (name: string, path: string) => `${nameClass(name)}\u0000${path}`;

/** An inventory of just these packages, as matching reads one. */
function partialInventory(packages: Package[], held: Pick<HeldPackages, 'distro'>): Inventory {
  return {
    target: { kind: 'directory', name: 're-evaluation', path: '' },
    ...(held.distro ? { distro: held.distro } : {}),
    packages,
    warnings: [],
    catalogers: [],
    createdAt: '',
    tool: { name: 'vigil', version: '' },
  };
}

export function rematchHeld(held: HeldPackages, outlines: readonly FindingOutline[], reader: VulnDbReader): HeldRematch {
  if (held.packages === null) return { kind: 'whole' };
  const owners = new Set(held.packages.map((pkg) => ownerKey(pkg.name, pkg.locations[0]?.path ?? '')));
  const theirs = (o: FindingOutline) => owners.has(ownerKey(o.packageName, o.filePath));

  const scanned = scanInventory(partialInventory(held.packages, held), reader).findings;
  const vulnerabilities = new Set(scanned.map((finding) => finding.vulnerabilityId));
  for (const o of outlines) if (o.status !== 'CLOSED' && theirs(o)) vulnerabilities.add(o.vulnerabilityId);
  for (const o of outlines) if (o.status !== 'CLOSED' && !theirs(o) && vulnerabilities.has(o.vulnerabilityId)) return { kind: 'whole' };

  return { kind: 'scoped', scanned, replaces: outlines.filter(theirs).map((o) => o.id) };
}
