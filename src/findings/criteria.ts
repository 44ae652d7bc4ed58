/**
 * @module Inspector's filter criteria language, validated and compiled to a predicate over a
 * stored finding and its resource. Used by finding search and by suppression rules.
 * @see https://docs.aws.amazon.com/inspector/v2/APIReference/API_FilterCriteria.html
 *
 * Semantics, as Inspector's API (and Security Hub's StringFilter page, which spells them out):
 * - Keys are AND-ed. Within a key, EQUALS and PREFIX entries are OR-ed, NOT_EQUALS entries are
 *   AND-ed, and the two groups are AND-ed: `[EQUALS a, PREFIX b, NOT_EQUALS bc]` is
 *   `(= a OR prefix b) AND != bc`. A key with only NOT_EQUALS entries excludes each value.
 * - String comparisons are case-sensitive.
 * - A value the finding does not have (no EPSS score, no release in an npm version, no Vigil
 *   score) fails EQUALS, PREFIX and every range, and passes NOT_EQUALS.
 * - vulnerablePackages: each entry is the AND of its fields over the finding's package; entries
 *   are OR-ed. `epoch` is a number range (as Inspector's PackageFilter); epoch, release and
 *   architecture are read from the installed version ("1:3.0.7-25.el9" → epoch 1, release
 *   25.el9) and the purl's `arch`; a version without an epoch has epoch 0.
 * - resourceTags: MapFilter, EQUALS only; without a value it matches any value of the key.
 * - Ranges (vigilScore, epssScore, package epoch) are inclusive on both ends; dates are ISO 8601
 *   strings (with a time zone or a bare date, read as UTC) and inclusive on both ends.
 * - With no findingStatus key, SUPPRESSED and CLOSED findings are left out (Inspector's console
 *   default); `compileCriteria(c, { defaultStatusFilter: false })` turns that off.
 * Validation: unknown keys and wrong shapes are refused; each key holds 1 to 10 entries (as
 * Inspector's FilterCriteria arrays); string values are 1 to 1024 characters (tag values 0 to 256,
 * tag keys 1 to 128); EQUALS and NOT_EQUALS on a key with a fixed set of values (severity,
 * findingStatus, findingType, resourceType, fixAvailable, exploitAvailable) must name one of them,
 * so a typo is an error instead of an empty result.
 */
import { severities } from '../model/finding.js';
import { findingStatuses, findingTypes, resourceTypes, type ResourceFacts, type StoredFinding } from './model.js';

export type StringComparison = 'EQUALS' | 'PREFIX' | 'NOT_EQUALS';
export interface StringFilter {
  comparison: StringComparison;
  value: string;
}
export interface MapFilter {
  comparison: 'EQUALS';
  key: string;
  value?: string;
}
export interface NumberFilter {
  lowerInclusive?: number;
  upperInclusive?: number;
}
export interface DateFilter {
  startInclusive?: string;
  endInclusive?: string;
}
export interface PackageFilter {
  name?: StringFilter;
  version?: StringFilter;
  epoch?: NumberFilter;
  release?: StringFilter;
  architecture?: StringFilter;
  filePath?: StringFilter;
  sourceLayerHash?: StringFilter;
}

const STRING_KEYS = [
  'accountId',
  'region',
  'resourceId',
  'resourceType',
  'severity',
  'findingStatus',
  'findingType',
  'vulnerabilityId',
  'fixAvailable',
  'exploitAvailable',
  'title',
  'packageEcosystem',
  'filePath',
] as const;
const NUMBER_KEYS = ['vigilScore', 'epssScore'] as const;
const DATE_KEYS = ['firstObservedAt', 'lastObservedAt', 'updatedAt'] as const;
type StringKey = (typeof STRING_KEYS)[number];
type NumberKey = (typeof NUMBER_KEYS)[number];
type DateKey = (typeof DATE_KEYS)[number];

export type FilterCriteria = { [K in StringKey]?: StringFilter[] } & { [K in NumberKey]?: NumberFilter[] } & { [K in DateKey]?: DateFilter[] } & {
  resourceTags?: MapFilter[];
  vulnerablePackages?: PackageFilter[];
};

export type FindingPredicate = (finding: StoredFinding, resource: ResourceFacts) => boolean;

export interface CriteriaError {
  code: 'INVALID_CRITERIA';
  message: string;
}
export type ParseCriteriaResult = { ok: true; criteria: FilterCriteria } | { ok: false; error: CriteriaError };

export const MAX_ENTRIES_PER_KEY = 10;
export const MAX_STRING_LENGTH = 1024;

/** Keys whose EQUALS / NOT_EQUALS values must come from a fixed set. */
const ENUM_VALUES: Partial<Record<StringKey, readonly string[]>> = {
  severity: severities,
  findingStatus: findingStatuses,
  findingType: findingTypes,
  resourceType: resourceTypes,
  fixAvailable: ['YES', 'NO', 'PARTIAL'],
  exploitAvailable: ['YES', 'NO'],
};

const COMPARISONS: readonly StringComparison[] = ['EQUALS', 'PREFIX', 'NOT_EQUALS'];
const PACKAGE_STRING_FIELDS = ['name', 'version', 'release', 'architecture', 'filePath', 'sourceLayerHash'] as const;

class Invalid extends Error {}

function fail(path: string, message: string): never {
  throw new Invalid(`${path} ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function expectObject(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) fail(path, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(path, `has an unknown key ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
  }
  return value;
}

function expectString(value: unknown, path: string, min: number, max: number): string {
  if (typeof value !== 'string') fail(path, 'must be a string');
  if (value.length < min || value.length > max) fail(path, `must be ${min} to ${max} characters long`);
  return value;
}

function expectEntries(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be an array of filters');
  if (value.length < 1 || value.length > MAX_ENTRIES_PER_KEY) fail(path, `must hold 1 to ${MAX_ENTRIES_PER_KEY} filters`);
  return value;
}

function parseStringFilter(value: unknown, path: string, allowedValues?: readonly string[]): StringFilter {
  const object = expectObject(value, path, ['comparison', 'value']);
  const comparison = object.comparison;
  if (typeof comparison !== 'string' || !(COMPARISONS as readonly string[]).includes(comparison)) fail(`${path}.comparison`, `must be one of ${COMPARISONS.join(', ')}`);
  const text = expectString(object.value, `${path}.value`, 1, MAX_STRING_LENGTH);
  if (allowedValues && comparison !== 'PREFIX' && !allowedValues.includes(text)) fail(`${path}.value`, `must be one of ${allowedValues.join(', ')}`);
  return { comparison: comparison as StringComparison, value: text };
}

function parseNumberFilter(value: unknown, path: string): NumberFilter {
  const object = expectObject(value, path, ['lowerInclusive', 'upperInclusive']);
  const filter: NumberFilter = {};
  for (const bound of ['lowerInclusive', 'upperInclusive'] as const) {
    if (!Object.hasOwn(object, bound)) continue;
    const n = object[bound];
    if (typeof n !== 'number' || !Number.isFinite(n)) fail(`${path}.${bound}`, 'must be a finite number');
    filter[bound] = n;
  }
  if (filter.lowerInclusive === undefined && filter.upperInclusive === undefined) fail(path, 'needs lowerInclusive, upperInclusive or both');
  if (filter.lowerInclusive !== undefined && filter.upperInclusive !== undefined && filter.lowerInclusive > filter.upperInclusive) fail(path, 'has lowerInclusive above upperInclusive');
  return filter;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Milliseconds of an ISO 8601 date or date-time (a bare date is midnight UTC), or NaN. */
function isoTime(text: string): number {
  if (!ISO_DATE.test(text)) return Number.NaN;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return Number.NaN;
  // Date.parse rolls "2024-02-30" over to March; refuse dates that do not exist.
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return Number.NaN;
  return ms;
}

function parseDateFilter(value: unknown, path: string): DateFilter {
  const object = expectObject(value, path, ['startInclusive', 'endInclusive']);
  const filter: DateFilter = {};
  for (const bound of ['startInclusive', 'endInclusive'] as const) {
    if (!Object.hasOwn(object, bound)) continue;
    const text = object[bound];
    if (typeof text !== 'string' || Number.isNaN(isoTime(text))) fail(`${path}.${bound}`, 'must be an ISO 8601 date or date-time with a time zone, e.g. "2024-05-01T00:00:00Z"');
    filter[bound] = text;
  }
  if (filter.startInclusive === undefined && filter.endInclusive === undefined) fail(path, 'needs startInclusive, endInclusive or both');
  if (filter.startInclusive !== undefined && filter.endInclusive !== undefined && isoTime(filter.startInclusive) > isoTime(filter.endInclusive)) fail(path, 'has startInclusive after endInclusive');
  return filter;
}

function parseMapFilter(value: unknown, path: string): MapFilter {
  const object = expectObject(value, path, ['comparison', 'key', 'value']);
  if (object.comparison !== 'EQUALS') fail(`${path}.comparison`, 'must be EQUALS');
  const key = expectString(object.key, `${path}.key`, 1, 128);
  if (!Object.hasOwn(object, 'value')) return { comparison: 'EQUALS', key };
  return { comparison: 'EQUALS', key, value: expectString(object.value, `${path}.value`, 0, 256) };
}

function parsePackageFilter(value: unknown, path: string): PackageFilter {
  const object = expectObject(value, path, [...PACKAGE_STRING_FIELDS, 'epoch']);
  const filter: PackageFilter = {};
  for (const field of PACKAGE_STRING_FIELDS) {
    if (Object.hasOwn(object, field)) filter[field] = parseStringFilter(object[field], `${path}.${field}`);
  }
  if (Object.hasOwn(object, 'epoch')) filter.epoch = parseNumberFilter(object.epoch, `${path}.epoch`);
  if (Object.keys(filter).length === 0) fail(path, `needs at least one of ${[...PACKAGE_STRING_FIELDS, 'epoch'].join(', ')}`);
  return filter;
}

const ALL_KEYS: readonly string[] = [...STRING_KEYS, ...NUMBER_KEYS, ...DATE_KEYS, 'resourceTags', 'vulnerablePackages'];

/**
 * Validates filter criteria: a JSON value (or JSON text). Never throws; every fault is an
 * INVALID_CRITERIA error naming the path that failed. An empty object is valid and matches all.
 */
export function parseCriteria(json: unknown): ParseCriteriaResult {
  try {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json) as unknown;
      } catch {
        fail('filterCriteria', 'is not valid JSON');
      }
    }
    const object = expectObject(value, 'filterCriteria', ALL_KEYS);
    const criteria: FilterCriteria = {};
    for (const key of STRING_KEYS) {
      if (Object.hasOwn(object, key)) criteria[key] = expectEntries(object[key], `filterCriteria.${key}`).map((entry, i) => parseStringFilter(entry, `filterCriteria.${key}[${i}]`, ENUM_VALUES[key]));
    }
    for (const key of NUMBER_KEYS) {
      if (Object.hasOwn(object, key)) criteria[key] = expectEntries(object[key], `filterCriteria.${key}`).map((entry, i) => parseNumberFilter(entry, `filterCriteria.${key}[${i}]`));
    }
    for (const key of DATE_KEYS) {
      if (Object.hasOwn(object, key)) criteria[key] = expectEntries(object[key], `filterCriteria.${key}`).map((entry, i) => parseDateFilter(entry, `filterCriteria.${key}[${i}]`));
    }
    if (Object.hasOwn(object, 'resourceTags')) criteria.resourceTags = expectEntries(object.resourceTags, 'filterCriteria.resourceTags').map((entry, i) => parseMapFilter(entry, `filterCriteria.resourceTags[${i}]`));
    if (Object.hasOwn(object, 'vulnerablePackages')) {
      criteria.vulnerablePackages = expectEntries(object.vulnerablePackages, 'filterCriteria.vulnerablePackages').map((entry, i) => parsePackageFilter(entry, `filterCriteria.vulnerablePackages[${i}]`));
    }
    return { ok: true, criteria };
  } catch (error) {
    const message = error instanceof Invalid ? error.message : `filterCriteria could not be read: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, error: { code: 'INVALID_CRITERIA', message } };
  }
}

// ── Compilation ──────────────────────────────────────────────────────────────────────────────

type Test<T> = (value: T) => boolean;

function stringTest(filter: StringFilter): Test<string | undefined> {
  const { comparison, value } = filter;
  switch (comparison) {
    case 'EQUALS':
      return (actual) => actual === value;
    case 'PREFIX':
      return (actual) => actual !== undefined && actual.startsWith(value);
    case 'NOT_EQUALS':
      return (actual) => actual !== value;
  }
}

/** EQUALS/PREFIX entries OR-ed, NOT_EQUALS entries AND-ed, the two groups AND-ed. */
function stringFiltersTest(filters: readonly StringFilter[]): Test<string | undefined> {
  const positive = filters.filter((f) => f.comparison !== 'NOT_EQUALS').map(stringTest);
  const negative = filters.filter((f) => f.comparison === 'NOT_EQUALS').map(stringTest);
  return (actual) => (positive.length === 0 || positive.some((t) => t(actual))) && negative.every((t) => t(actual));
}

function rangeTest(filter: NumberFilter): Test<number | null | undefined> {
  const { lowerInclusive = -Infinity, upperInclusive = Infinity } = filter;
  return (actual) => typeof actual === 'number' && Number.isFinite(actual) && actual >= lowerInclusive && actual <= upperInclusive;
}

function dateTest(filter: DateFilter): Test<string> {
  const start = filter.startInclusive === undefined ? -Infinity : isoTime(filter.startInclusive);
  const end = filter.endInclusive === undefined ? Infinity : isoTime(filter.endInclusive);
  return (actual) => {
    const ms = Date.parse(actual);
    return Number.isFinite(ms) && ms >= start && ms <= end;
  };
}

/** Epoch, version-release split and architecture of an installed package, as far as they exist. */
export function packageParts(finding: StoredFinding): { epoch: number; release?: string; architecture?: string } {
  const version = finding.body.package.version;
  const epochMatch = /^(\d+):/.exec(version);
  const purlEpoch = /[?&]epoch=(\d+)/.exec(finding.body.package.purl)?.[1];
  const epoch = epochMatch ? Number(epochMatch[1]) : purlEpoch !== undefined ? Number(purlEpoch) : 0;
  const withoutEpoch = epochMatch ? version.slice(epochMatch[0].length) : version;
  const type = finding.body.package.type;
  const dash = withoutEpoch.lastIndexOf('-');
  // Only rpm and deb versions have a release (deb: the Debian revision); apk's "-r0" too.
  const release = (type === 'rpm' || type === 'deb' || type === 'apk') && dash > 0 ? withoutEpoch.slice(dash + 1) : undefined;
  const arch = /[?&]arch=([^&#]+)/.exec(finding.body.package.purl)?.[1];
  return { epoch, ...(release !== undefined ? { release } : {}), ...(arch !== undefined ? { architecture: decodeURIComponent(arch) } : {}) };
}

function packageTest(filter: PackageFilter): Test<StoredFinding> {
  const tests: Test<StoredFinding>[] = [];
  const add = (sub: StringFilter | undefined, read: (f: StoredFinding) => string | undefined) => {
    if (sub) {
      const t = stringFiltersTest([sub]);
      tests.push((f) => t(read(f)));
    }
  };
  add(filter.name, (f) => f.body.package.name);
  add(filter.version, (f) => f.body.package.version);
  add(filter.release, (f) => packageParts(f).release);
  add(filter.architecture, (f) => packageParts(f).architecture);
  add(filter.filePath, (f) => f.filePath);
  add(filter.sourceLayerHash, (f) => f.body.package.locations[0]?.layer?.digest);
  if (filter.epoch) {
    const t = rangeTest(filter.epoch);
    tests.push((f) => t(packageParts(f).epoch));
  }
  return (finding) => tests.every((t) => t(finding));
}

const STRING_READERS: Record<StringKey, (f: StoredFinding, r: ResourceFacts) => string | undefined> = {
  accountId: (_f, r) => r.accountId,
  region: (_f, r) => r.region,
  resourceId: (_f, r) => r.resourceId,
  resourceType: (_f, r) => r.resourceType,
  severity: (f) => f.body.severity,
  findingStatus: (f) => f.status,
  findingType: (f) => f.type,
  vulnerabilityId: (f) => f.body.vulnerabilityId,
  fixAvailable: (f) => f.body.fixAvailable,
  exploitAvailable: (f) => f.body.exploitAvailable,
  title: (f) => f.body.title,
  packageEcosystem: (f) => f.body.package.ecosystem,
  filePath: (f) => f.filePath,
};

const NUMBER_READERS: Record<NumberKey, (f: StoredFinding) => number | null | undefined> = {
  vigilScore: (f) => f.vigilScore,
  epssScore: (f) => f.body.epss?.score,
};

const DATE_READERS: Record<DateKey, (f: StoredFinding) => string> = {
  firstObservedAt: (f) => f.firstObservedAt,
  lastObservedAt: (f) => f.lastObservedAt,
  updatedAt: (f) => f.updatedAt,
};

export interface CompileOptions {
  /** Leave out SUPPRESSED and CLOSED findings when the criteria have no findingStatus (default true). */
  defaultStatusFilter?: boolean;
}

/** The predicate of parsed criteria. Every key present must hold; an empty criteria matches all (but see the status default). */
export function compileCriteria(criteria: FilterCriteria, options: CompileOptions = {}): FindingPredicate {
  const tests: FindingPredicate[] = [];
  for (const key of STRING_KEYS) {
    const filters = criteria[key];
    if (!filters) continue;
    const t = stringFiltersTest(filters);
    const read = STRING_READERS[key];
    tests.push((f, r) => t(read(f, r)));
  }
  if (!criteria.findingStatus && options.defaultStatusFilter !== false) tests.push((f) => f.status === 'ACTIVE');
  for (const key of NUMBER_KEYS) {
    const filters = criteria[key];
    if (!filters) continue;
    const ts = filters.map(rangeTest);
    const read = NUMBER_READERS[key];
    tests.push((f) => {
      const value = read(f);
      return ts.some((t) => t(value));
    });
  }
  for (const key of DATE_KEYS) {
    const filters = criteria[key];
    if (!filters) continue;
    const ts = filters.map(dateTest);
    const read = DATE_READERS[key];
    tests.push((f) => ts.some((t) => t(read(f))));
  }
  if (criteria.resourceTags) {
    const tags = criteria.resourceTags;
    tests.push((_f, r) => tags.some((tag) => Object.hasOwn(r.resourceTags, tag.key) && (tag.value === undefined || r.resourceTags[tag.key] === tag.value)));
  }
  if (criteria.vulnerablePackages) {
    const ts = criteria.vulnerablePackages.map(packageTest);
    tests.push((f) => ts.some((t) => t(f)));
  }
  return (finding, resource) => tests.every((t) => t(finding, resource));
}
