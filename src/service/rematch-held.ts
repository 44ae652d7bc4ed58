/**
 * @module Re-matching a resource from what the inventory index holds for the changed keys (the
 * packages under them), without reading its inventory or any finding the change cannot touch.
 * Reconciling the findings of the re-matched packages with their new matches makes the changes
 * reconciling the whole inventory's scan would make (`rematch-changed.test.ts` compares the two),
 * under the conditions of `rematch-changed.ts`, unless `needsWholeInventory` says otherwise:
 *
 * - A re-matched package's findings are those stored under its name (as the finding's ecosystem
 *   compares names) and file: every finding whose identity a new match could take, and every
 *   finding it made before. No other package's open finding is among them: another package of
 *   that name, compared loosely, in that file is looked up under the same keys (the index leaves a
 *   key's packages out otherwise, see src/store/inventory-index.ts), so it is re-matched too.
 * - A vulnerability the re-matched packages have (before or after) that an open finding of another
 *   package also has: its PARTIAL state depends on packages not at hand. Read the whole inventory.
 */
import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import { normalizePackageName } from '../model/ecosystem.js';
import type { Package } from '../model/package.js';
import { scanInventory } from '../scan/scan-target.js';
import type { FindingOutline, FindingPackageRef, HeldPackages, ResourceId, StoredFinding } from '../store/index.js';
import type { VulnDbReader } from '../vulndb/reader.js';

export interface HeldMatches {
  resourceId: ResourceId;
  /** The re-matched packages' findings, as a scan of them gives them. */
  scanned: Finding[];
  /** Whose stored findings to read: the re-matched packages, by name and file. */
  packages: FindingPackageRef[];
}

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

/**
 * The names a package's findings are stored under: as its own ecosystem compares names (a
 * language package's findings are in it), and as written, trimmed (the distributions' ecosystems
 * compare names exactly).
 */
function storedNames(pkg: Package): string[] {
  const names = new Set([pkg.name.trim()]);
  if (pkg.ecosystem) names.add(normalizePackageName(pkg.ecosystem, pkg.name));
  return [...names];
}

/** Matches the held packages; undefined when the index could not hold them (read the whole inventory). */
export function matchHeld(held: HeldPackages, reader: VulnDbReader): HeldMatches | undefined {
  if (held.packages === null) return undefined;
  const refs = new Map<string, FindingPackageRef>();
  for (const pkg of held.packages) {
    const filePath = pkg.locations[0]?.path ?? '';
    for (const packageName of storedNames(pkg)) refs.set(`${packageName}\u0000${filePath}`, { resourceId: held.resourceId, packageName, filePath });
  }
  return { resourceId: held.resourceId, scanned: scanInventory(partialInventory(held.packages, held), reader).findings, packages: [...refs.values()] };
}

/** Which of a resource's findings (or outlines) are the re-matched packages'. */
export function ownedBy(matches: HeldMatches): (finding: { packageName: string; filePath: string }) => boolean {
  const owned = new Set(matches.packages.map((ref) => `${ref.packageName}\u0000${ref.filePath}`));
  return (finding) => owned.has(`${finding.packageName}\u0000${finding.filePath}`);
}

/** The vulnerabilities the re-matched packages have, before (their open findings) and after. */
export function vulnerabilitiesOf(matches: HeldMatches, owned: ReadonlyArray<Pick<StoredFinding, 'status' | 'vulnerabilityId'>>): string[] {
  const ids = new Set(matches.scanned.map((finding) => finding.vulnerabilityId));
  for (const finding of owned) if (finding.status !== 'CLOSED') ids.add(finding.vulnerabilityId);
  return [...ids];
}

/** True when an open finding of another package shares one of those vulnerabilities (`sharing`: the resource's open findings of them). */
export function needsWholeInventory(matches: HeldMatches, sharing: readonly FindingOutline[]): boolean {
  const owns = ownedBy(matches);
  return sharing.some((outline) => outline.status !== 'CLOSED' && !owns(outline));
}
