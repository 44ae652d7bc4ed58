/**
 * The scoped re-matches against the whole-inventory scan they stand in for: `rematchChanged`
 * (from the whole stored inventory) and `rematchHeld` (from what the inventory index holds for
 * the changed keys). On random databases changed by random imports (advisories added, changed,
 * withdrawn, spanning several packages and ecosystems, with and without fixes so PARTIAL comes and
 * goes; aliases shared across packages; NVD records and KEV entries changing) and random
 * inventories (duplicate names, two versions of one package in one file, Debian binaries of one
 * source, one binary name from two sources), reconciling with either makes the same changes as
 * reconciling with the whole scan, step after step. EPSS, which the change log leaves out by
 * design, is the one exception, shown on its own below.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { applyChangeSet, reconcileFindings, type ChangeSet, type ResourceFacts, type StoredFinding } from '../findings/index.js';
import type { CveRecord, EpssScore, KevEntry } from '../model/advisory.js';
import { normalizePackageName } from '../model/ecosystem.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { asId, type FindingOutline, type HeldPackages } from '../store/index.js';
import { inventoryIndexEntries } from '../store/inventory-index.js';
import { scanInventory } from '../scan/scan-target.js';
import { VulnDbReader } from '../vulndb/reader.js';
import { debian12, debPackage, importInto, inventoryOf, npmPackage, osv, pypiPackage, vulnDbFolder, type ImportContent, type OsvAffected } from '../../test/harness/vulndb-imports.js';
import { changedLookupKeys, lookupKeySet, rematchChanged } from './rematch-changed.js';
import { matchHeld, needsWholeInventory, ownedBy, vulnerabilitiesOf } from './rematch-held.js';
import { vulnDbIdentityOf } from './vulndb-identity.js';

const resource: ResourceFacts = { accountId: 'acc-1', region: 'eu-west-1', resourceId: 'res-1', resourceType: 'HOST', resourceTags: {} };

const VERSIONS = ['1.0.0', '1.5.0', '2.0.0', '2.5.0', '3.0.0'];
const CVES = ['CVE-2025-0001', 'CVE-2025-0002', 'CVE-2025-0003', 'CVE-2025-0004'];
const VECTORS = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N'];

/** What advisories can name: (ecosystem, name), Debian by source name (and one binary name, which matches nothing). */
const ADVISORY_TARGETS: Array<{ ecosystem: string; name: string; debian?: boolean }> = [
  { ecosystem: 'npm', name: 'left-pad' },
  { ecosystem: 'npm', name: 'lodash' },
  { ecosystem: 'npm', name: 'qs' },
  { ecosystem: 'PyPI', name: 'Django' },
  { ecosystem: 'PyPI', name: 'zope.interface' },
  { ecosystem: 'Debian:12', name: 'openssl', debian: true },
  { ecosystem: 'Debian:12', name: 'curl', debian: true },
  { ecosystem: 'Debian:12', name: 'libssl3', debian: true },
  { ecosystem: 'Debian:12', name: 'curl-legacy', debian: true },
];

/** What inventories hold: package makers by version index. */
const INVENTORY_PACKAGES: Array<(v: number, where: number) => Package> = [
  (v, w) => npmPackage('left-pad', VERSIONS[v]!, w ? '/srv/package-lock.json' : undefined),
  (v, w) => npmPackage('lodash', VERSIONS[v]!, w ? '/srv/package-lock.json' : undefined),
  (v, w) => npmPackage('qs', VERSIONS[v]!, w ? '/srv/package-lock.json' : undefined),
  (v) => npmPackage('express', VERSIONS[v]!),
  (v, w) => pypiPackage(w ? 'django' : 'Django', VERSIONS[v]!),
  (v) => pypiPackage('zope.interface', VERSIONS[v]!),
  (v) => debPackage('libssl3', `${VERSIONS[v]}-1`, 'openssl'),
  (v) => debPackage('openssl', `${VERSIONS[v]}-1`, 'openssl'),
  (v) => debPackage('libcurl4', `${VERSIONS[v]}-1`, 'curl'),
  (v) => debPackage('curl', `${VERSIONS[v]}-1`, 'curl'),
  // One binary name from another source: the index must not let a change to one stand for both.
  (v) => debPackage('curl', `${VERSIONS[v]}-2`, 'curl-legacy'),
];

const affectedArb: fc.Arbitrary<OsvAffected> = fc
  .record({ target: fc.constantFrom(...ADVISORY_TARGETS), fixed: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), introduced: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }) })
  .map(({ target, fixed, introduced }) => {
    const version = (i: number) => (target.debian ? `${VERSIONS[i]}-1` : VERSIONS[i]!);
    const from = introduced !== undefined && (fixed === undefined || introduced < fixed) ? introduced : undefined;
    return { ecosystem: target.ecosystem, name: target.name, ...(fixed !== undefined ? { fixed: version(fixed) } : {}), ...(from !== undefined ? { introduced: version(from) } : {}) };
  });

const advisoryArb = fc
  .record({
    n: fc.integer({ min: 0, max: 9 }),
    prefix: fc.constantFrom('GHSA', 'DSA', 'PYSEC'),
    affected: fc.array(affectedArb, { minLength: 1, maxLength: 3 }),
    aliases: fc.subarray(CVES, { maxLength: 2 }),
    cvss: fc.option(fc.constantFrom(...VECTORS), { nil: undefined }),
    withdrawn: fc.boolean().map((b) => (b ? '2025-06-01T00:00:00Z' : undefined)),
    summary: fc.constantFrom('first wording', 'second wording'),
  })
  .map(({ n, prefix, affected, aliases, cvss, withdrawn, summary }) =>
    osv(`${prefix}-${n}`, affected, { aliases, summary, ...(cvss ? { cvss } : {}), ...(withdrawn ? { withdrawn } : {}) }),
  );

const cveArb: fc.Arbitrary<CveRecord> = fc.record({ id: fc.constantFrom(...CVES), vector: fc.constantFrom(...VECTORS), description: fc.constantFrom('one', 'two') }).map(({ id, vector, description }) => ({
  id,
  description,
  cvss: [{ version: '3.1', vector, source: 'nvd@nist.gov', type: 'Primary' }],
  cwes: [],
  references: [],
}));

const kevArb: fc.Arbitrary<KevEntry[] | undefined> = fc.option(
  fc.subarray(CVES).map((ids) => ids.map((cveId) => ({ cveId, dateAdded: '2025-02-01', cwes: [] }))),
  { nil: undefined },
);

const epssArb: fc.Arbitrary<EpssScore[]> = fc.array(
  fc.record({ cveId: fc.constantFrom(...CVES), score: fc.constantFrom(0.01, 0.2, 0.9), percentile: fc.constantFrom(0.1, 0.5, 0.99) }),
  { maxLength: 3 },
);

const importArb: fc.Arbitrary<ImportContent> = fc.record({
  advisories: fc.array(advisoryArb, { maxLength: 6 }),
  cves: fc.array(cveArb, { maxLength: 2 }),
  kev: kevArb,
  epss: epssArb,
});

/** Later imports change everything but EPSS (see the module comment). */
const laterImportArb: fc.Arbitrary<ImportContent> = importArb.map((content) => ({ ...content, epss: [] }));

const inventoryArb = fc.array(fc.record({ pkg: fc.integer({ min: 0, max: INVENTORY_PACKAGES.length - 1 }), version: fc.integer({ min: 0, max: 4 }), where: fc.integer({ min: 0, max: 1 }) }), {
  minLength: 1,
  maxLength: 9,
}).map((picks) => inventoryOf(picks.map(({ pkg, version, where }) => INVENTORY_PACKAGES[pkg]!(version, where)), { distro: debian12 }));

/** Reconciles with ids drawn afresh from `now` (both sides of a comparison get the same ids; each step new ones). */
function reconcile(stored: readonly StoredFinding[], scanned: Parameters<typeof reconcileFindings>[0]['scanned'], now: string): ChangeSet<StoredFinding> {
  let n = 0;
  return reconcileFindings({ resource, stored, scanned, suppressionRules: [], now, newId: () => `fnd-${now}-${++n}` });
}

/** What re-evaluation compares: the changes written (not the bookkeeping of findings seen unchanged). */
function effects(changes: ChangeSet): Omit<ChangeSet, 'seen' | 'unchanged'> {
  const { seen: _seen, unchanged: _unchanged, ...rest } = changes;
  return rest;
}

/** What the store's index holds for the changed keys of this inventory (as `heldPackages` answers), or nothing. */
function heldFor(inventory: Inventory, changed: ReadonlySet<string>): HeldPackages | undefined {
  const entries = inventoryIndexEntries(inventory).filter((e) => changed.has(`${e.key.ecosystem}\u0000${e.key.name}`));
  if (entries.length === 0) return undefined;
  const distro = inventory.distro ? { distro: inventory.distro } : {};
  if (entries.some((e) => e.packages === null)) return { resourceId: asId('ResourceId', resource.resourceId), packages: null, ...distro };
  const members = new Map<number, Package>();
  for (const e of entries) for (const [position, pkg] of JSON.parse(e.packages!) as Array<[number, Package]>) members.set(position, pkg);
  return { resourceId: asId('ResourceId', resource.resourceId), packages: [...members].sort(([a], [b]) => a - b).map(([, pkg]) => pkg), ...distro };
}

/** A finding as the store's outline has it (the package name normalised by the finding's ecosystem). */
function outlineOf(f: StoredFinding): FindingOutline {
  return {
    id: asId('FindingId', f.id),
    resourceId: asId('ResourceId', f.resourceId),
    status: f.status,
    vulnerabilityId: f.body.vulnerabilityId,
    packageName: normalizePackageName(f.packageEcosystem, f.packageName),
    filePath: f.filePath,
  };
}

/**
 * Re-evaluation from the index, as `reevaluate` runs it on a store holding `stored`: the changes
 * reconciling the re-matched packages' findings makes, or 'whole' when it reads the whole inventory.
 */
function heldChanges(held: HeldPackages, stored: readonly StoredFinding[], reader: VulnDbReader, now: string): ChangeSet<StoredFinding> | 'whole' {
  const matches = matchHeld(held, reader);
  if (!matches) return 'whole';
  const owns = ownedBy(matches);
  const owned = stored.filter((f) => owns(outlineOf(f)));
  const vulnerabilities = new Set(vulnerabilitiesOf(matches, owned.map(outlineOf)));
  const sharing = stored.filter((f) => f.status !== 'CLOSED' && vulnerabilities.has(f.body.vulnerabilityId)).map(outlineOf);
  if (needsWholeInventory(matches, sharing)) return 'whole';
  return reconcile(owned, matches.scanned, now);
}

/** Random cases per run; VIGIL_PROPERTY_RUNS=2000 for a long look. */
const runs = Number(process.env.VIGIL_PROPERTY_RUNS ?? 50);

const folders: Array<{ dispose(): void }> = [];
afterAll(() => folders.forEach((f) => f.dispose()));

describe('rematchChanged', () => {
  it('gives the change set a whole-inventory scan gives, import after import', () => {
    let scopedSmaller = 0;
    let heldScoped = 0;
    let heldWhole = 0;
    fc.assert(
      fc.property(importArb, fc.array(laterImportArb, { minLength: 1, maxLength: 3 }), fc.array(inventoryArb, { minLength: 1, maxLength: 3 }), (first, later, inventories) => {
        const folder = vulnDbFolder();
        const readers: VulnDbReader[] = [];
        try {
          importInto(folder.path, first);
          let reader = VulnDbReader.open(folder.path);
          readers.push(reader);
          // (An import that changes nothing logs nothing: the log's last number is the one to go by.)
          let seq = vulnDbIdentityOf(reader).importSeq;
          // Each inventory's findings as a push against the first database stores them.
          const stored = inventories.map((inventory) => reconcile([], scanInventory(inventory, reader).findings, '2026-03-01T10:00:00.000Z').created);
          later.forEach((content, step) => {
            importInto(folder.path, content);
            reader = VulnDbReader.open(folder.path);
            readers.push(reader);
            const changed = lookupKeySet(changedLookupKeys(reader.changesSince(seq)));
            seq = vulnDbIdentityOf(reader).importSeq;
            const now = `2026-03-0${step + 2}T10:00:00.000Z`;
            inventories.forEach((inventory, i) => {
              // Re-evaluation reaches only the inventories the index says hold a changed key.
              const held = heldFor(inventory, changed);
              if (!held) return;
              const open = stored[i]!.filter((f) => f.status !== 'CLOSED').map((f) => f.body);
              const whole = reconcile(stored[i]!, scanInventory(inventory, reader).findings, now);
              const scoped = rematchChanged(inventory, open, changed, reader);
              if (scoped.rematched < inventory.packages.length) scopedSmaller++;
              expect(effects(reconcile(stored[i]!, scoped.findings, now))).toEqual(effects(whole));
              const fromIndex = heldChanges(held, stored[i]!, reader, now);
              if (fromIndex === 'whole') {
                heldWhole++;
              } else {
                heldScoped++;
                expect(effects(fromIndex)).toEqual(effects(whole));
              }
              stored[i] = applyChangeSet(stored[i]!, whole);
            });
          });
        } finally {
          readers.forEach((r) => r.close());
          folder.dispose();
        }
      }),
      { numRuns: runs },
    );
    // The comparisons would be empty if the scoped paths always fell back to the whole inventory.
    expect(scopedSmaller).toBeGreaterThan(runs / 3);
    expect(heldScoped).toBeGreaterThan(runs / 3);
    expect(heldWhole).toBeGreaterThan(0);
  }, 60_000 + runs * 200);

  it('re-matches only the packages a change can reach, and keeps the stored findings of the rest', () => {
    const folder = vulnDbFolder();
    folders.push(folder);
    importInto(folder.path, {
      advisories: [osv('GHSA-old', [{ ecosystem: 'npm', name: 'lodash', fixed: '2.0.0' }], { aliases: ['CVE-2025-0001'] })],
      epss: [{ cveId: 'CVE-2025-0001', score: 0.1, percentile: 0.2 }],
    });
    const before = VulnDbReader.open(folder.path);
    const packages = [npmPackage('lodash', '1.0.0'), ...Array.from({ length: 40 }, (_, i) => npmPackage(`pkg-${i}`, '1.0.0'))];
    const inventory = inventoryOf(packages);
    const stored = reconcile([], scanInventory(inventory, before).findings, '2026-03-01T10:00:00.000Z').created;
    expect(stored.map((f) => f.body.vulnerabilityId)).toEqual(['CVE-2025-0001']);

    importInto(folder.path, {
      advisories: [osv('GHSA-new', [{ ecosystem: 'npm', name: 'pkg-7', fixed: '1.2.0' }])],
      epss: [{ cveId: 'CVE-2025-0001', score: 0.7, percentile: 0.9 }],
    });
    const after = VulnDbReader.open(folder.path);
    const changed = lookupKeySet(changedLookupKeys(after.changesSince(1)));
    const scoped = rematchChanged(inventory, stored.map((f) => f.body), changed, after);
    expect(scoped.rematched).toBe(1);
    expect(scoped.findings.map((f) => `${f.vulnerabilityId} ${f.package.name}`).sort()).toEqual(['CVE-2025-0001 lodash', 'GHSA-new pkg-7']);
    const now = '2026-03-02T10:00:00.000Z';
    const changes = reconcile(stored, scoped.findings, now);
    expect(changes.created.map((f) => f.body.vulnerabilityId)).toEqual(['GHSA-new']);
    expect(changes.updated).toEqual([]);

    // From the index alone: the one package under the changed key, and none of the stored findings.
    const held = heldFor(inventory, changed)!;
    expect(held.packages!.map((p) => p.name)).toEqual(['pkg-7']);
    const fromIndex = heldChanges(held, stored, after, now);
    expect(fromIndex !== 'whole' && effects(fromIndex)).toEqual(effects(changes));

    // The exception: the kept finding keeps the EPSS score it was stored with (0.1), where a whole
    // scan reads today's (0.7). EPSS changes are not in the change log, by design.
    expect(scoped.findings.find((f) => f.package.name === 'lodash')?.epss).toEqual({ score: 0.1, percentile: 0.2 });
    const whole = reconcile(stored, scanInventory(inventory, after).findings, now);
    expect(whole.updated.map((f) => f.body.epss)).toEqual([{ score: 0.7, percentile: 0.9 }]);
    expect(effects({ ...whole, updated: [], events: whole.events.filter((e) => e.type !== 'FINDING_UPDATED') })).toEqual(effects(changes));
    before.close();
    after.close();
  });

  it('re-matches the other packages of a vulnerability whose fix state the change moves (PARTIAL)', () => {
    const folder = vulnDbFolder();
    folders.push(folder);
    // One flaw in two packages: lodash has a fix, qs (through another advisory aliasing the CVE) none.
    importInto(folder.path, {
      advisories: [
        osv('GHSA-lodash', [{ ecosystem: 'npm', name: 'lodash', fixed: '2.0.0' }], { aliases: ['CVE-2025-0009'] }),
        osv('GHSA-qs', [{ ecosystem: 'npm', name: 'qs' }], { aliases: ['CVE-2025-0009'] }),
      ],
    });
    const before = VulnDbReader.open(folder.path);
    const inventory = inventoryOf([npmPackage('lodash', '1.0.0'), npmPackage('qs', '1.0.0'), npmPackage('express', '1.0.0')]);
    const stored = reconcile([], scanInventory(inventory, before).findings, '2026-03-01T10:00:00.000Z').created;
    expect(stored.map((f) => `${f.body.package.name} ${f.body.fixAvailable}`).sort()).toEqual(['lodash PARTIAL', 'qs PARTIAL']);

    // qs gets its fix: only qs's key changed, yet lodash's finding goes from PARTIAL to YES.
    importInto(folder.path, { advisories: [osv('GHSA-qs', [{ ecosystem: 'npm', name: 'qs', fixed: '1.1.0' }], { aliases: ['CVE-2025-0009'] })] });
    const after = VulnDbReader.open(folder.path);
    const changed = lookupKeySet(changedLookupKeys(after.changesSince(1)));
    const scoped = rematchChanged(inventory, stored.map((f) => f.body), changed, after);
    expect(scoped.rematched).toBe(2);
    const changes = reconcile(stored, scoped.findings, '2026-03-02T10:00:00.000Z');
    expect(changes.updated.map((f) => `${f.body.package.name} ${f.body.fixAvailable}`).sort()).toEqual(['lodash YES', 'qs YES']);
    expect(changes).toEqual(reconcile(stored, scanInventory(inventory, after).findings, '2026-03-02T10:00:00.000Z'));
    // From the index: qs alone is under the changed key, and lodash's open finding shares its flaw, so the whole inventory is read.
    expect(heldChanges(heldFor(inventory, changed)!, stored, after, '2026-03-02T10:00:00.000Z')).toBe('whole');
    before.close();
    after.close();
  });
});
