/**
 * @module Coverage: whether Vigil is keeping watch over a resource, and if not, why — Inspector's
 * scanStatus `{ statusCode: ACTIVE | INACTIVE, reason }`. Pure: the decision takes the resource's
 * facts, a short summary of its stored inventory and the time, and returns the status.
 * @see https://docs.aws.amazon.com/inspector/v2/APIReference/API_ScanStatus.html
 */
import type { Distro } from '../model/distro.js';
import type { Inventory } from '../model/inventory.js';
import type { PackageType } from '../model/package.js';
import { distroMatchers } from '../match/distro/index.js';

export type CoverageStatusCode = 'ACTIVE' | 'INACTIVE';

/** Inspector's reason codes that apply to Vigil so far, each with its status code. */
export const coverageReasons = {
  /** Known, no inventory yet: the first scan or push is awaited. */
  PENDING_INITIAL_SCAN: 'ACTIVE',
  /** The stored inventory is recent and was matched. */
  SUCCESSFUL: 'ACTIVE',
  /** The stored inventory holds no packages: nothing to match. */
  NO_INVENTORY: 'INACTIVE',
  /** The stored inventory is older than the configured age: it may no longer describe the resource. */
  STALE_INVENTORY: 'INACTIVE',
  /** The inventory's operating system has no advisories Vigil can match its OS packages against. */
  UNSUPPORTED_OS: 'INACTIVE',
  /** The resource carries the exclusion tag. */
  EXCLUDED_BY_TAG: 'INACTIVE',
} as const satisfies Record<string, CoverageStatusCode>;

export type CoverageReason = keyof typeof coverageReasons;
export const coverageReasonCodes = Object.keys(coverageReasons) as CoverageReason[];
export const coverageStatusCodes: readonly CoverageStatusCode[] = ['ACTIVE', 'INACTIVE'];

export interface CoverageStatus {
  statusCode: CoverageStatusCode;
  reason: CoverageReason;
}

/** A resource tag with this key (any value) takes it out of coverage, as Inspector's `InspectorEc2Exclusion` does. */
export const EXCLUSION_TAG = 'VigilExclusion';

/** Inspector calls an inventory stale after 7 days without an update. */
export const DEFAULT_STALE_INVENTORY_DAYS = 7;

/** The stored setting that overrides the default age (whole days, 1 or more). */
export const STALE_INVENTORY_DAYS_SETTING = 'coverage.staleInventoryDays';

/** What coverage needs to know of a stored inventory, a few bytes instead of the whole document. */
export interface InventorySummary {
  packages: number;
  /** Packages per type (deb, rpm, npm, …). */
  packageTypes: Partial<Record<PackageType, number>>;
  distro: Distro | null;
}

export function summarizeInventory(inventory: Inventory): InventorySummary {
  const packageTypes: Partial<Record<PackageType, number>> = {};
  for (const pkg of inventory.packages) packageTypes[pkg.type] = (packageTypes[pkg.type] ?? 0) + 1;
  return { packages: inventory.packages.length, packageTypes, distro: inventory.distro ?? null };
}

/** Package types that only a distribution's advisories cover (deb, rpm, apk). */
const osPackageTypes = new Set<PackageType>(distroMatchers.flatMap((m) => m.packageTypes));

/**
 * Whether Vigil can match the inventory's operating system: a distribution no matcher serves (or
 * whose release it cannot name) is unsupported, and so are OS packages with no distribution to
 * place them in, or of a type the distribution's matcher does not read.
 */
export function isOsSupported(summary: InventorySummary): boolean {
  const { distro } = summary;
  const osTypes = (Object.keys(summary.packageTypes) as PackageType[]).filter((t) => osPackageTypes.has(t) && (summary.packageTypes[t] ?? 0) > 0);
  if (!distro) return osTypes.length === 0;
  const serving = distroMatchers.filter((m) => m.ids.includes(distro.id));
  if (serving.length === 0 || !serving.some((m) => m.ecosystems(distro) !== undefined)) return false;
  return osTypes.every((type) => serving.some((m) => m.packageTypes.includes(type) && m.ecosystems(distro) !== undefined));
}

export interface CoverageFacts {
  tags: Readonly<Record<string, string>>;
  /** When the stored inventory was taken; null before the first. */
  inventoryTimestamp: string | null;
  /** The stored inventory's summary; absent when there is none. */
  inventory: InventorySummary | undefined;
}

export interface CoverageOptions {
  now: Date;
  staleInventoryDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The resource's coverage, first reason that applies: excluded by tag; no inventory yet; an
 * inventory too old to trust (what it says of the OS and packages may no longer hold, so it comes
 * before them); an OS Vigil cannot match; no packages; else successful.
 */
export function decideCoverage(facts: CoverageFacts, options: CoverageOptions): CoverageStatus {
  const status = (reason: CoverageReason): CoverageStatus => ({ statusCode: coverageReasons[reason], reason });
  if (Object.hasOwn(facts.tags, EXCLUSION_TAG)) return status('EXCLUDED_BY_TAG');
  if (facts.inventoryTimestamp === null || !facts.inventory) return status('PENDING_INITIAL_SCAN');
  const takenAt = Date.parse(facts.inventoryTimestamp);
  if (Number.isFinite(takenAt) && options.now.getTime() - takenAt > options.staleInventoryDays * DAY_MS) return status('STALE_INVENTORY');
  if (!isOsSupported(facts.inventory)) return status('UNSUPPORTED_OS');
  if (facts.inventory.packages === 0) return status('NO_INVENTORY');
  return status('SUCCESSFUL');
}

/** The configured age from the stored setting, or the default when it is absent or not a whole number of days. */
export function staleInventoryDaysOf(setting: string | undefined): number {
  if (setting === undefined) return DEFAULT_STALE_INVENTORY_DAYS;
  const days = Number(setting.trim());
  return Number.isInteger(days) && days >= 1 ? days : DEFAULT_STALE_INVENTORY_DAYS;
}

/** Counts of resources by status code, reason and resource type; every key present, zeros included. */
export interface CoverageStatistics<T extends string> {
  totalCounts: number;
  statusCodes: Record<CoverageStatusCode, number>;
  reasons: Record<CoverageReason, number>;
  resourceTypes: Record<T, number>;
}

export function countCoverage<T extends string>(items: Iterable<{ resourceType: T; scanStatus: CoverageStatus }>, resourceTypes: readonly T[]): CoverageStatistics<T> {
  const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  const stats: CoverageStatistics<T> = { totalCounts: 0, statusCodes: zeros(coverageStatusCodes), reasons: zeros(coverageReasonCodes), resourceTypes: zeros(resourceTypes) };
  for (const item of items) {
    stats.totalCounts++;
    stats.statusCodes[item.scanStatus.statusCode]++;
    stats.reasons[item.scanStatus.reason]++;
    stats.resourceTypes[item.resourceType] = (stats.resourceTypes[item.resourceType] ?? 0) + 1;
  }
  return stats;
}
