import { describe, expect, it } from 'vitest';
import type { Distro } from '../model/distro.js';
import type { Inventory } from '../model/inventory.js';
import type { Package, PackageType } from '../model/package.js';
import type { VulnDbReader } from '../vulndb/reader.js';
import { changeLookupKeys, inventoryLookupKeys, type PackageLookupKey } from './lookup-keys.js';
import { matchInventory } from './match-inventory.js';
import { normalizePackageName } from '../model/ecosystem.js';

function pkg(type: PackageType, name: string, version: string, extra: Partial<Package> = {}): Package {
  return { type, name, version, purl: `pkg:${type}/${name}@${version}`, locations: [{ path: '/x' }], foundBy: 'test', ...extra };
}

function inventory(distro: Distro | undefined, packages: Package[]): Inventory {
  return {
    target: { kind: 'directory', name: 't', path: '/t' },
    ...(distro ? { distro } : {}),
    packages,
    warnings: [],
    catalogers: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    tool: { name: 'vigil', version: 'test' },
  };
}

/** A reader that answers nothing and records every key matching asks it for. */
function recordingReader(): { reader: VulnDbReader; asked: PackageLookupKey[] } {
  const asked: PackageLookupKey[] = [];
  const reader = {
    advisoriesFor: (ecosystem: string, name: string) => (asked.push({ ecosystem, name: normalizePackageName(ecosystem, name) }), []),
    advisoriesForAnyRelease: (ecosystem: string, name: string) => (asked.push({ ecosystem, name: normalizePackageName(ecosystem, name) }), []),
  } as unknown as VulnDbReader;
  return { reader, asked };
}

const sorted = (keys: PackageLookupKey[]) => keys.map((k) => `${k.ecosystem} ${k.name}`).sort();

const debian: Distro = { id: 'debian', versionId: '12', idLike: [], source: '/etc/os-release' };
const rhel: Distro = { id: 'rhel', versionId: '9.4', idLike: ['fedora'], source: '/etc/os-release' };

describe('inventoryLookupKeys', () => {
  it.each([
    [
      'Debian source packages and language packages',
      inventory(debian, [
        pkg('deb', 'libssl3', '3.0.11-1~deb12u2', { source: { name: 'openssl', version: '3.0.11-1~deb12u2' } }),
        pkg('deb', 'openssl', '3.0.11-1~deb12u2'),
        pkg('npm', 'lodash', '4.17.20', { ecosystem: 'npm' }),
        pkg('pypi', 'Django_Rest', '1.0', { ecosystem: 'PyPI' }),
      ]),
    ],
    ['Red Hat binary and source names under the base ecosystem', inventory(rhel, [pkg('rpm', 'openssl-libs', '1:3.0.7-27.el9', { source: { name: 'openssl' } })])],
    ['no distribution: OS packages are not looked up', inventory(undefined, [pkg('deb', 'bash', '5.2-1'), pkg('golang', 'golang.org/x/net', 'v0.1.0', { ecosystem: 'Go' })])],
  ])('lists exactly what matchInventory queries: %s', (_name, inv) => {
    const { reader, asked } = recordingReader();
    matchInventory(inv, reader);
    expect(sorted(inventoryLookupKeys(inv))).toEqual([...new Set(sorted(asked))]);
  });

  it('normalises names and lists each key once', () => {
    const inv = inventory(undefined, [pkg('pypi', 'Django_Rest', '1.0', { ecosystem: 'PyPI' }), pkg('pypi', 'django.rest', '2.0', { ecosystem: 'PyPI' })]);
    expect(inventoryLookupKeys(inv)).toEqual([{ ecosystem: 'PyPI', name: 'django-rest' }]);
  });
});

describe('changeLookupKeys', () => {
  it('adds the base of a release ecosystem', () => {
    expect(changeLookupKeys('Red Hat:enterprise_linux:9::appstream', 'openssl')).toEqual([
      { ecosystem: 'Red Hat:enterprise_linux:9::appstream', name: 'openssl' },
      { ecosystem: 'Red Hat', name: 'openssl' },
    ]);
    expect(changeLookupKeys('PyPI', 'Django_Rest')).toEqual([{ ecosystem: 'PyPI', name: 'django-rest' }]);
  });
});
