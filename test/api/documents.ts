/**
 * SBOM documents for API tests, written by Vigil's own writers from small inventories: a Debian 12
 * host with an openssl the fixture advisories affect (DSA-5532-1), an npm app with lodash 4.17.20
 * (GHSA-35jh-r3h4-6jhm / CVE-2021-23337), and variations for coverage.
 */
import type { Distro } from '../../src/model/distro.js';
import type { Inventory } from '../../src/model/inventory.js';
import type { Package } from '../../src/model/package.js';
import { buildPurl } from '../../src/model/purl.js';
import { cyclonedxJson, spdxJson } from '../../src/sbom/index.js';

export const debian12: Distro = { id: 'debian', versionId: '12', codename: 'bookworm', idLike: [], name: 'Debian GNU/Linux', source: '/etc/os-release' };

export function debPackage(name: string, version: string, source = name): Package {
  return {
    name,
    version,
    type: 'deb',
    purl: buildPurl({ type: 'deb', namespace: 'debian', name, version, qualifiers: { arch: 'amd64', distro: 'debian-12' } }),
    arch: 'amd64',
    source: { name: source, version },
    locations: [{ path: '/var/lib/dpkg/status' }],
    foundBy: 'dpkg',
  };
}

export function npmPackage(name: string, version: string, path = '/srv/app/package-lock.json'): Package {
  return { name, version, type: 'npm', ecosystem: 'npm', purl: buildPurl({ type: 'npm', name, version }), locations: [{ path }], foundBy: 'npm-lock' };
}

export interface InventoryShape {
  distro?: Distro;
  packages: Package[];
  createdAt?: string;
}

export function inventoryOf(shape: InventoryShape): Inventory {
  return {
    target: { kind: 'directory', name: 'host', path: '/' },
    ...(shape.distro ? { distro: shape.distro } : {}),
    packages: shape.packages,
    warnings: [],
    catalogers: [],
    createdAt: shape.createdAt ?? new Date().toISOString(),
    tool: { name: 'vigil', version: 'test' },
  };
}

/** A CycloneDX 1.6 JSON document of the inventory. */
export function cycloneDx(shape: InventoryShape): string {
  return cyclonedxJson.write(inventoryOf(shape));
}

/** An SPDX 2.3 JSON document of the inventory. */
export function spdx(shape: InventoryShape): string {
  return spdxJson.write(inventoryOf(shape));
}

/** A Debian 12 host with a vulnerable openssl and an npm app with a vulnerable lodash. */
export function vulnerableHost(createdAt?: string): InventoryShape {
  return {
    distro: debian12,
    packages: [debPackage('openssl', '3.0.11-1~deb12u1'), debPackage('bash', '5.2.15-2+b2', 'bash'), npmPackage('lodash', '4.17.20')],
    ...(createdAt ? { createdAt } : {}),
  };
}
