import { describe, expect, it } from 'vitest';
import type { Distro } from '../model/distro.js';
import type { Inventory } from '../model/inventory.js';
import type { Package, PackageType } from '../model/package.js';
import {
  countCoverage,
  decideCoverage,
  DEFAULT_STALE_INVENTORY_DAYS,
  isOsSupported,
  staleInventoryDaysOf,
  summarizeInventory,
  type CoverageFacts,
  type InventorySummary,
} from './coverage.js';

const now = new Date('2025-06-15T12:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const options = { now, staleInventoryDays: 7 };

const distro = (id: string, versionId?: string): Distro => ({ id, idLike: [], source: '/etc/os-release', ...(versionId ? { versionId } : {}) });
const summary = (d: Distro | null, types: Partial<Record<PackageType, number>>): InventorySummary => ({
  packages: Object.values(types).reduce((a, b) => a + (b ?? 0), 0),
  packageTypes: types,
  distro: d,
});

const facts = (overrides: Partial<CoverageFacts>): CoverageFacts => ({
  tags: {},
  inventoryTimestamp: daysAgo(1),
  inventory: summary(distro('debian', '12'), { deb: 120, npm: 30 }),
  ...overrides,
});

describe('decideCoverage', () => {
  it.each<[string, Partial<CoverageFacts>, string, string]>([
    ['a recent Debian inventory', {}, 'ACTIVE', 'SUCCESSFUL'],
    ['no inventory yet', { inventoryTimestamp: null, inventory: undefined }, 'ACTIVE', 'PENDING_INITIAL_SCAN'],
    ['the exclusion tag, any value', { tags: { VigilExclusion: '' } }, 'INACTIVE', 'EXCLUDED_BY_TAG'],
    ['the exclusion tag before anything else', { tags: { VigilExclusion: 'true' }, inventoryTimestamp: null, inventory: undefined }, 'INACTIVE', 'EXCLUDED_BY_TAG'],
    ['a tag of another case is not the exclusion tag', { tags: { vigilexclusion: 'true' } }, 'ACTIVE', 'SUCCESSFUL'],
    ['an inventory of no packages', { inventory: summary(null, {}) }, 'INACTIVE', 'NO_INVENTORY'],
    ['an inventory 8 days old', { inventoryTimestamp: daysAgo(8) }, 'INACTIVE', 'STALE_INVENTORY'],
    ['an inventory exactly 7 days old is still fresh', { inventoryTimestamp: daysAgo(7) }, 'ACTIVE', 'SUCCESSFUL'],
    ['a stale inventory of an unsupported OS is stale first', { inventoryTimestamp: daysAgo(30), inventory: summary(distro('arch'), { npm: 1 }) }, 'INACTIVE', 'STALE_INVENTORY'],
    ['a distribution no matcher serves', { inventory: summary(distro('arch'), { npm: 4 }) }, 'INACTIVE', 'UNSUPPORTED_OS'],
    ['a release that cannot be named (Debian without a version)', { inventory: summary(distro('debian'), { deb: 4 }) }, 'INACTIVE', 'UNSUPPORTED_OS'],
    ['OS packages with no distribution', { inventory: summary(null, { rpm: 10 }) }, 'INACTIVE', 'UNSUPPORTED_OS'],
    ['an unsupported OS with no packages is unsupported, not empty', { inventory: summary(distro('gentoo', '2.14'), {}) }, 'INACTIVE', 'UNSUPPORTED_OS'],
    ['language packages with no distribution (a function, a folder)', { inventory: summary(null, { npm: 10, pypi: 2 }) }, 'ACTIVE', 'SUCCESSFUL'],
    ['a supported Alpine release', { inventory: summary(distro('alpine', '3.20.1'), { apk: 14 }) }, 'ACTIVE', 'SUCCESSFUL'],
  ])('%s → %s %s', (_name, overrides, statusCode, reason) => {
    expect(decideCoverage(facts(overrides), options)).toEqual({ statusCode, reason });
  });

  it('takes the configured age', () => {
    expect(decideCoverage(facts({ inventoryTimestamp: daysAgo(2) }), { now, staleInventoryDays: 1 }).reason).toBe('STALE_INVENTORY');
    expect(decideCoverage(facts({ inventoryTimestamp: daysAgo(20) }), { now, staleInventoryDays: 30 }).reason).toBe('SUCCESSFUL');
  });
});

describe('isOsSupported', () => {
  it.each<[string, InventorySummary, boolean]>([
    ['Rocky 9 rpm', summary(distro('rocky', '9.3'), { rpm: 1 }), true],
    ['Ubuntu 22.04 deb', summary(distro('ubuntu', '22.04'), { deb: 1 }), true],
    ['Debian with apk packages the Debian matcher does not read', summary(distro('debian', '12'), { deb: 1, apk: 1 }), false],
    ['derivative by ID_LIKE only (linuxmint)', summary({ ...distro('linuxmint', '21'), idLike: ['ubuntu'] }, { deb: 1 }), false],
  ])('%s → %s', (_name, input, supported) => {
    expect(isOsSupported(input)).toBe(supported);
  });
});

describe('summarizeInventory', () => {
  it('counts packages by type and keeps the distribution', () => {
    const pkg = (name: string, type: PackageType) => ({ name, version: '1', type, purl: `pkg:${type}/${name}@1`, locations: [], foundBy: 'test' }) as unknown as Package;
    const inventory = {
      target: { kind: 'directory', name: '/', path: '/' },
      distro: distro('debian', '12'),
      packages: [pkg('bash', 'deb'), pkg('libc6', 'deb'), pkg('lodash', 'npm')],
      warnings: [],
      catalogers: [],
      createdAt: now.toISOString(),
      tool: { name: 'vigil', version: '0' },
    } satisfies Inventory;
    expect(summarizeInventory(inventory)).toEqual({ packages: 3, packageTypes: { deb: 2, npm: 1 }, distro: distro('debian', '12') });
  });
});

describe('staleInventoryDaysOf', () => {
  it.each<[string | undefined, number]>([
    [undefined, DEFAULT_STALE_INVENTORY_DAYS],
    ['14', 14],
    [' 3 ', 3],
    ['0', DEFAULT_STALE_INVENTORY_DAYS],
    ['1.5', DEFAULT_STALE_INVENTORY_DAYS],
    ['soon', DEFAULT_STALE_INVENTORY_DAYS],
  ])('%s → %s', (setting, days) => {
    expect(staleInventoryDaysOf(setting)).toBe(days);
  });
});

describe('countCoverage', () => {
  it('counts every status, reason and type, zeros included', () => {
    const stats = countCoverage(
      [
        { resourceType: 'HOST' as const, scanStatus: { statusCode: 'ACTIVE' as const, reason: 'SUCCESSFUL' as const } },
        { resourceType: 'HOST' as const, scanStatus: { statusCode: 'INACTIVE' as const, reason: 'STALE_INVENTORY' as const } },
        { resourceType: 'FUNCTION' as const, scanStatus: { statusCode: 'ACTIVE' as const, reason: 'PENDING_INITIAL_SCAN' as const } },
      ],
      ['HOST', 'CONTAINER_IMAGE', 'FUNCTION'] as const,
    );
    expect(stats).toEqual({
      totalCounts: 3,
      statusCodes: { ACTIVE: 2, INACTIVE: 1 },
      reasons: { PENDING_INITIAL_SCAN: 1, SUCCESSFUL: 1, NO_INVENTORY: 0, STALE_INVENTORY: 1, UNSUPPORTED_OS: 0, EXCLUDED_BY_TAG: 0 },
      resourceTypes: { HOST: 2, CONTAINER_IMAGE: 0, FUNCTION: 1 },
    });
  });
});
