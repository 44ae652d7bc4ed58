/**
 * The store contract for re-evaluation's batch reads and writes, run by contract.ts on every
 * store: the packages the index holds per key (in inventory order, following each new inventory,
 * left out where reading them alone could mislead), locks on many resources, the findings of
 * named packages, open findings of named vulnerabilities in outline, and one "scanned" stamp for
 * many resources.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Distro } from '../model/distro.js';
import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { newId, type AccountId } from './ids.js';
import type { FindingWrite, Resource } from './records.js';
import type { Store } from './store.js';

const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-02T10:00:00.000Z';
const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const debian: Distro = { id: 'debian', versionId: '12', idLike: [], source: '/etc/os-release' };

function npm(name: string, version = '1.0.0', path = '/app/package-lock.json'): Package {
  return { type: 'npm', ecosystem: 'npm', name, version, purl: `pkg:npm/${name}@${version}`, locations: [{ path }], foundBy: 'npm-lock' };
}

function deb(name: string, source: string, version = '1.0-1'): Package {
  return { type: 'deb', name, version, purl: `pkg:deb/debian/${name}@${version}`, source: { name: source, version }, locations: [{ path: '/var/lib/dpkg/status' }], foundBy: 'dpkg' };
}

function inventoryOf(packages: Package[], distro?: Distro): Inventory {
  return {
    target: { kind: 'directory', name: 'app', path: '/app' },
    ...(distro ? { distro } : {}),
    packages,
    warnings: [],
    catalogers: [],
    createdAt: T1,
    tool: { name: 'vigil', version: 'test' },
  };
}

function write(resource: Resource, vulnerabilityId: string, pkg: Package, status: 'ACTIVE' | 'CLOSED' = 'ACTIVE'): FindingWrite {
  const finding: Finding = {
    vulnerabilityId,
    aliases: [],
    title: vulnerabilityId,
    severity: 'HIGH',
    score: 7.5,
    scoreSource: 'nvd',
    cvss: [],
    epss: null,
    kev: null,
    exploitAvailable: 'NO',
    fixAvailable: 'NO',
    fixedInVersion: null,
    remediation: null,
    package: { ecosystem: pkg.ecosystem ?? 'Debian:12', name: pkg.name, version: pkg.version, purl: pkg.purl, type: pkg.type, locations: pkg.locations },
    references: [],
    evidence: [],
  };
  const common = {
    id: newId('FindingId'),
    accountId: resource.accountId,
    region: resource.region,
    resourceId: resource.id,
    resourceType: resource.type,
    firstObservedAt: T1,
    lastObservedAt: T1,
    updatedAt: T1,
    vigilScore: null,
    finding,
  };
  return status === 'CLOSED' ? { ...common, status, closedAt: T2 } : { ...common, status, closedAt: null };
}

export function runReevaluationContract(store: () => Store, account: () => AccountId): void {
  describe('re-evaluation batches', () => {
    const host = (): Promise<Resource> => store().createResource({ accountId: account(), region: 'eu-west-1', name: unique('host'), type: 'HOST', details: { platform: 'linux' } });

    it("answers each resource's packages under the keys from the index, in inventory order, with its distribution", async () => {
      const [a, b, c] = [await host(), await host(), await host()];
      const shared = unique('shared');
      const source = unique('src');
      const other = unique('other');
      const aPackages = [npm(other), npm(shared, '1.0.0'), deb(`lib${source}`, source), npm(shared, '2.0.0', '/srv/package-lock.json'), deb(source, source)];
      await store().putInventory(a.id, inventoryOf(aPackages, debian), T1);
      await store().putInventory(b.id, inventoryOf([npm(shared, '3.0.0')]), T1);
      await store().putInventory(c.id, inventoryOf([npm(other)]), T1);
      const keys = [
        { ecosystem: 'npm', name: shared },
        { ecosystem: 'Debian:12', name: source },
      ];
      const held = await store().heldPackages([a.id, b.id, c.id], keys);
      expect(held.sort((x, y) => (x.resourceId < y.resourceId ? -1 : 1))).toEqual(
        [
          { resourceId: a.id, packages: [aPackages[1], aPackages[2], aPackages[3], aPackages[4]], distro: debian },
          { resourceId: b.id, packages: [npm(shared, '3.0.0')] },
        ].sort((x, y) => (x.resourceId < y.resourceId ? -1 : 1)),
      );
      // Only the resources asked about.
      expect((await store().heldPackages([b.id], keys)).map((h) => h.resourceId)).toEqual([b.id]);
      // A new inventory: the index follows, packages and all.
      await store().putInventory(b.id, inventoryOf([npm(shared, '3.1.0'), npm(other)]), T2);
      expect(await store().heldPackages([b.id], keys)).toEqual([{ resourceId: b.id, packages: [npm(shared, '3.1.0')] }]);
      await store().putInventory(b.id, inventoryOf([npm(other)]), T2);
      expect(await store().heldPackages([b.id], keys)).toEqual([]);
      expect(await store().heldPackages([], keys)).toEqual([]);
      expect(await store().heldPackages([a.id], [])).toEqual([]);
    });

    it('leaves the packages out when two that could make one finding are looked up under different keys', async () => {
      const resource = await host();
      const [one, two] = [unique('src'), unique('src')];
      // One binary name from two source packages (no package manager does this; the index must not be fooled if one does).
      await store().putInventory(resource.id, inventoryOf([deb('curl', one), deb('curl', two, '2.0-1'), npm(unique('fine'))], debian), T1);
      expect(await store().heldPackages([resource.id], [{ ecosystem: 'Debian:12', name: one }])).toEqual([{ resourceId: resource.id, packages: null, distro: debian }]);
    });

    it('locks many resources at once, leaving out deleted ones; another transaction on one of them waits', async () => {
      const [a, b, c] = [await host(), await host(), await host()];
      await store().deleteResource(account(), c.id);
      const log: string[] = [];
      const batch = store().transaction(async (tx) => {
        const locked = await tx.lockResources([b.id, a.id, c.id, a.id]);
        log.push('batch locked');
        await sleep(60);
        log.push('batch end');
        return locked.map((r) => r.id);
      });
      await sleep(10);
      const single = store().transaction(async (tx) => {
        await tx.lockResource(b.id);
        log.push('single locked');
      });
      expect(await batch).toEqual([a.id, b.id].sort());
      await single;
      expect(log).toEqual(['batch locked', 'batch end', 'single locked']);
    });

    it("hands out the findings of named packages, and the open findings of named vulnerabilities in outline", async () => {
      const [a, b] = [await host(), await host()];
      const pkg = npm(unique('pkg'), '1.0.0', '/app/x.json');
      const django = { ...npm(unique('Django_Pkg'), '4.0'), type: 'pypi' as const, ecosystem: 'PyPI' };
      const writes = [write(a, 'CVE-2026-1', pkg), write(a, 'CVE-2026-2', pkg, 'CLOSED'), write(b, 'CVE-2026-1', pkg), write(a, 'CVE-2026-1', django), write(a, 'CVE-2026-3', django)];
      await store().upsertFindings(writes);
      const ids = (found: Array<{ id: string }>) => found.map((f) => f.id);
      const sorted = (list: string[]) => [...list].sort();
      // By the package name as findings keep it (normalised by the ecosystem) and the file.
      expect(ids(await store().findingsOfPackages([{ resourceId: a.id, packageName: pkg.name, filePath: '/app/x.json' }]))).toEqual(sorted([writes[0]!.id, writes[1]!.id]));
      expect(await store().findingsOfPackages([{ resourceId: a.id, packageName: pkg.name, filePath: '/elsewhere' }])).toEqual([]);
      const normalised = django.name.toLowerCase().replace(/[-_.]+/g, '-');
      const both = await store().findingsOfPackages([
        { resourceId: a.id, packageName: normalised, filePath: '/app/package-lock.json' },
        { resourceId: b.id, packageName: pkg.name, filePath: '/app/x.json' },
      ]);
      expect(ids(both)).toEqual(sorted([writes[2]!.id, writes[3]!.id, writes[4]!.id]));
      expect(both.find((f) => f.id === writes[3]!.id)).toEqual(await store().getFinding(account(), writes[3]!.id));
      expect(await store().findingsOfPackages([])).toEqual([]);

      const outlines = await store().openFindingsWith([
        { resourceId: a.id, vulnerabilityId: 'CVE-2026-1' },
        { resourceId: a.id, vulnerabilityId: 'CVE-2026-2' },
      ]);
      expect(outlines).toEqual(
        [
          { id: writes[0]!.id, resourceId: a.id, status: 'ACTIVE', vulnerabilityId: 'CVE-2026-1', packageName: pkg.name, filePath: '/app/x.json' },
          { id: writes[3]!.id, resourceId: a.id, status: 'ACTIVE', vulnerabilityId: 'CVE-2026-1', packageName: normalised, filePath: '/app/package-lock.json' },
        ].sort((x, y) => (x.id < y.id ? -1 : 1)),
      );
      expect(await store().openFindingsWith([])).toEqual([]);
    });

    it('stamps many resources scanned at once', async () => {
      const [a, b, c] = [await host(), await host(), await host()];
      await store().markResourcesScanned([a.id, b.id], T2);
      expect((await store().getResource(account(), a.id))!.lastScannedAt).toBe(T2);
      expect((await store().getResource(account(), b.id))!.lastScannedAt).toBe(T2);
      expect((await store().getResource(account(), c.id))!.lastScannedAt).toBeNull();
    });
  });
}
