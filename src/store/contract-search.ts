/**
 * The store contract for finding search, aggregation, counts and retention, run by contract.ts
 * on every store. The reference is the pure code of src/findings: `compileCriteria`, `sortFindings`
 * and `pageFindings` for search, a grouping written out below for aggregations, `purgeable` for
 * retention. Property tests generate findings with the values that tell implementations apart
 * (ties, NULL scores and EPSS, `%` and `_`, upper and lower case, non-ASCII, epochs and releases,
 * tags with empty values) and criteria drawn from the same values, and demand the same answer,
 * page by page. Each run makes its own account, so runs never see each other's findings.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCriteria, parseCriteria, type FilterCriteria as ParsedCriteria } from '../findings/criteria.js';
import type { StoredFinding as LifecycleFinding } from '../findings/model.js';
import { purgeable, type RetentionPolicy } from '../findings/reconcile.js';
import { encodeCursor, pageFindings, sortFields, sortFindings, type Cursor, type SortCriteria } from '../findings/sort.js';
import { severities, type Finding, type Severity } from '../model/finding.js';
import type { PackageType } from '../model/package.js';
import { fromStoredRecord, resourceFacts } from '../service/finding-records.js';
import { isStoreError } from './errors.js';
import { newId, type AccountId } from './ids.js';
import type { FindingWrite, Resource, ResourceSpec, ResourceType, StoredFinding } from './records.js';
import { identityKey, identityOf } from './rows.js';
import { findingAggregationTypes, type FindingAggregation, type FindingAggregationSortBy, type FindingAggregationType, type FindingCounts } from './search.js';
import type { Store } from './store.js';

const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;
const runs = (fallback: number) => Number(process.env.VIGIL_PROPERTY_RUNS ?? fallback);

// ── Values that tell implementations apart ──────────────────────────────────────────────────
// No character in U+E000–U+FFFF: there, and only there, UTF-16 order (JavaScript's) and code
// point order (the databases') disagree with characters above U+FFFF.

const TEXT = ['a', 'A', 'a%', 'a%b', 'a_b', 'aXb', 'A_b', '%', '_', 'é', 'e', '中文', '😀x', 'a b', 'abc'];
const VULNERABILITY_IDS = ['CVE-2024-1', 'CVE-2024-10', 'CVE-2024-2', 'cve-2024-1', 'CVE-2024%1', 'CVE_2024_1', 'CVE-2023-9', 'GHSA-xx', 'Écve', '中文-1', '😀-1'];
const ECOSYSTEMS = ['npm', 'PyPI', 'Debian:12', 'Rocky Linux:9', 'Alpine:v3.20'];
const PACKAGE_NAMES = ['lodash', 'Django', 'django', 'a%b', 'a_b', 'A_b', 'libssl3', 'é'];
const VERSIONS = ['1.0.0', '1:3.0.7-25.el9', '3.0.7-25.el9', '2.4-r0', '1.2-3', '0:1.0-1', '10:2.0-a_b', 'v1%', '2:1.0'];
const PACKAGE_TYPES: PackageType[] = ['npm', 'rpm', 'deb', 'apk', 'pypi'];
const ARCHES = [null, 'x86_64', 'X86_64', 'aarch64', 'noarch', 'a%b', 'a_b'];
const PATHS = [null, '/app/package-lock.json', '/usr/lib/%_', '/App', '/app'];
const LAYERS = [null, 'sha256:aa', 'sha256:AA', 'sha256:a_', 'sha256:a%'];
const TITLES = ['Overflow in a', 'overflow in a', 'a%b title', 'a_b title', 'Überlauf', '中文标题'];
const SCORES = [null, 0, 0.1, 5, 7.5, 9.8, 10];
const EPSS = [null, 0, 0.00042, 0.5, 0.97];
const TIMES = ['2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.001Z', '2026-02-01T12:00:00.000Z', '2026-03-01T00:00:00.000Z'];
const TAG_KEYS = ['env', 'Env', 'team', 'a%', 'a_'];
const TAG_VALUES = ['', 'prod', 'Prod', 'dev', '%', '_'];
const REPOSITORIES = ['registry.local/app', 'registry.local/App', 'registry.local/a_b', 'registry.local/a%b'];
const RUNTIMES = [null, 'nodejs20.x', 'python3.12'];
const REGIONS = ['eu-west-1', 'us-east-1'];
const STATUSES = ['ACTIVE', 'ACTIVE', 'SUPPRESSED', 'CLOSED'] as const;

interface ResourceSeed {
  type: ResourceType;
  region: string;
  tags: Record<string, string>;
  repository: string;
  runtime: string | null;
}

interface FindingSeed {
  resource: number;
  vulnerabilityId: string;
  title: string;
  ecosystem: string;
  name: string;
  version: string;
  packageType: PackageType;
  arch: string | null;
  purlEpoch: number | null;
  path: string | null;
  layer: string | null;
  severity: Severity;
  score: number | null;
  epss: number | null;
  vigil: number | null;
  status: (typeof STATUSES)[number];
  times: [number, number, number, number];
  fix: 'YES' | 'NO' | 'PARTIAL';
  exploit: 'YES' | 'NO';
}

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

const resourceSeed: fc.Arbitrary<ResourceSeed> = fc.record({
  type: pick<ResourceType>(['HOST', 'CONTAINER_IMAGE', 'FUNCTION']),
  region: pick(REGIONS),
  tags: fc.dictionary(pick(TAG_KEYS), pick(TAG_VALUES), { maxKeys: 3 }),
  repository: pick(REPOSITORIES),
  runtime: pick(RUNTIMES),
});

const findingSeed = (resources: number): fc.Arbitrary<FindingSeed> =>
  fc.record({
    resource: fc.nat({ max: resources - 1 }),
    vulnerabilityId: pick(VULNERABILITY_IDS),
    title: pick(TITLES),
    ecosystem: pick(ECOSYSTEMS),
    name: pick(PACKAGE_NAMES),
    version: pick(VERSIONS),
    packageType: pick(PACKAGE_TYPES),
    arch: pick(ARCHES),
    purlEpoch: pick([null, 0, 2]),
    path: pick(PATHS),
    layer: pick(LAYERS),
    severity: pick(severities),
    score: pick(SCORES),
    epss: pick(EPSS),
    vigil: pick(SCORES),
    status: pick(STATUSES),
    times: fc.tuple(fc.nat({ max: TIMES.length - 1 }), fc.nat({ max: TIMES.length - 1 }), fc.nat({ max: TIMES.length - 1 }), fc.nat({ max: TIMES.length - 1 })),
    fix: pick(['YES', 'NO', 'PARTIAL'] as const),
    exploit: pick(['YES', 'NO'] as const),
  });

const worldSeed = fc.array(resourceSeed, { minLength: 1, maxLength: 4 }).chain((resources) =>
  fc.record({ resources: fc.constant(resources), findings: fc.array(findingSeed(resources.length), { maxLength: 40, size: 'max' }) }),
);

function resourceSpec(seed: ResourceSeed): ResourceSpec {
  switch (seed.type) {
    case 'HOST':
      return { type: 'HOST', details: { platform: 'linux' } };
    case 'CONTAINER_IMAGE':
      return { type: 'CONTAINER_IMAGE', details: { repository: seed.repository, tags: ['latest'], digest: 'sha256:img' } };
    case 'FUNCTION':
      return { type: 'FUNCTION', details: { ...(seed.runtime === null ? {} : { runtime: seed.runtime }), layers: [] } };
  }
}

function scanFinding(seed: FindingSeed): Finding {
  const qualifiers = [...(seed.arch === null ? [] : [`arch=${encodeURIComponent(seed.arch)}`]), ...(seed.purlEpoch === null ? [] : [`epoch=${seed.purlEpoch}`])];
  return {
    vulnerabilityId: seed.vulnerabilityId,
    aliases: [],
    title: seed.title,
    severity: seed.severity,
    score: seed.score,
    scoreSource: 'nvd',
    cvss: [],
    epss: seed.epss === null ? null : { score: seed.epss, percentile: 0.5 },
    kev: null,
    exploitAvailable: seed.exploit,
    fixAvailable: seed.fix,
    fixedInVersion: null,
    remediation: null,
    package: {
      ecosystem: seed.ecosystem,
      name: seed.name,
      version: seed.version,
      purl: `pkg:${seed.packageType}/${encodeURIComponent(seed.name)}@${encodeURIComponent(seed.version)}${qualifiers.length > 0 ? `?${qualifiers.join('&')}` : ''}`,
      type: seed.packageType,
      locations: seed.path === null ? [] : [{ path: seed.path, ...(seed.layer === null ? {} : { layer: { index: 0, digest: seed.layer } }) }],
    },
    references: [],
    evidence: [],
  };
}

interface World {
  accountId: AccountId;
  resources: Resource[];
  stored: StoredFinding[];
  /** The same findings as the lifecycle (and so the criteria and the sort) reads them. */
  lifecycle: LifecycleFinding[];
  facts: (finding: LifecycleFinding) => ReturnType<typeof resourceFacts>;
}

/** Stores the seeds in a new account: one finding per identity (the first seed wins). */
async function storeWorld(store: Store, seeds: { resources: ResourceSeed[]; findings: FindingSeed[] }, options: { laterScans?: boolean } = {}): Promise<World> {
  const accountId = (await store.createAccount({ name: unique('search'), region: 'eu-west-1' })).id;
  const resources: Resource[] = [];
  for (const seed of seeds.resources) {
    resources.push(await store.createResource({ ...resourceSpec(seed), accountId, region: seed.region, name: unique('resource'), tags: seed.tags }));
  }
  const writes = new Map<string, FindingWrite>();
  for (const seed of seeds.findings) {
    const resource = resources[seed.resource]!;
    const [first, last, updated, closed] = seed.times.map((i) => TIMES[i]!) as [string, string, string, string];
    const common = {
      id: newId('FindingId'),
      accountId,
      region: resource.region,
      resourceId: resource.id,
      resourceType: resource.type,
      firstObservedAt: first,
      lastObservedAt: last,
      updatedAt: updated,
      vigilScore: seed.vigil === null ? null : { score: seed.vigil, adjustments: [] },
      finding: scanFinding(seed),
    };
    const write: FindingWrite = seed.status === 'CLOSED' ? { ...common, status: 'CLOSED', closedAt: closed } : { ...common, status: seed.status, closedAt: null };
    const key = identityKey(identityOf(write));
    if (!writes.has(key)) writes.set(key, write);
  }
  await store.upsertFindings([...writes.values()]);
  if (options.laterScans) await laterWrites(store, [...writes.values()]);
  const stored = (await Promise.all(resources.map((r) => store.listFindingsForResource(r.id)))).flat();
  const byId = new Map(resources.map((r) => [r.id as string, r]));
  return {
    accountId,
    resources,
    stored,
    lifecycle: stored.map((record) => fromStoredRecord(record)),
    facts: (finding) => resourceFacts(byId.get(finding.resourceId)!),
  };
}

/**
 * What later scans do to stored findings, so that searches see rows written every way the
 * service writes them (a store may keep copies of a row's columns beside it, which each of these
 * must keep in step): every third open finding closed, every fourth rewritten with its status
 * turned (ACTIVE and SUPPRESSED swapped, a CLOSED one reopened), every fifth seen again later.
 */
async function laterWrites(store: Store, writes: readonly FindingWrite[]): Promise<void> {
  const later = TIMES.at(-1)!;
  const open = writes.filter((w) => w.status !== 'CLOSED');
  await store.closeFindings(
    open.filter((_, i) => i % 3 === 2).map((w) => w.id),
    later,
  );
  const turned = writes
    .filter((_, i) => i % 4 === 3)
    .map((w): FindingWrite => ({ ...w, status: w.status === 'ACTIVE' ? 'SUPPRESSED' : 'ACTIVE', closedAt: null, updatedAt: later, lastObservedAt: later }));
  if (turned.length > 0) await store.upsertFindings(turned);
  await store.observeFindings(
    writes.filter((_, i) => i % 5 === 4).map((w) => w.id),
    later,
  );
}

// ── Criteria drawn from the same values ─────────────────────────────────────────────────────

/** Markers a generated criterion uses for ids that exist only once the world is stored. */
const ACCOUNT = '@account';
const RESOURCE = (i: number) => `@resource${i}`;

function prefixesOf(values: readonly string[]): fc.Arbitrary<string> {
  return pick(values).chain((value) => {
    const points = Array.from(value);
    return fc.integer({ min: 1, max: points.length }).map((n) => points.slice(0, n).join(''));
  });
}

function stringFilter(values: readonly string[], fixed?: readonly string[]) {
  return fc.oneof(
    fc.record({ comparison: pick(['EQUALS', 'NOT_EQUALS'] as const), value: pick(fixed ?? values) }),
    fc.record({ comparison: fc.constant('PREFIX' as const), value: prefixesOf(values) }),
  );
}

const entries = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: 1, maxLength: 3 });

function numberFilter(values: readonly number[]) {
  return fc
    .record({ lowerInclusive: fc.option(pick(values), { nil: undefined }), upperInclusive: fc.option(pick(values), { nil: undefined }) })
    .filter((f) => f.lowerInclusive !== undefined || f.upperInclusive !== undefined)
    .map((f) =>
      f.lowerInclusive !== undefined && f.upperInclusive !== undefined && f.lowerInclusive > f.upperInclusive ? { lowerInclusive: f.upperInclusive, upperInclusive: f.lowerInclusive } : f,
    )
    .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)));
}

const DATE_BOUNDS = [...TIMES, '2026-01-01', '2026-02-01', '2026-01-01T01:00:00+01:00', '2026-02-01T12:00:00.0009Z'];
const dateFilter = fc
  .record({ startInclusive: fc.option(pick(DATE_BOUNDS), { nil: undefined }), endInclusive: fc.option(pick(DATE_BOUNDS), { nil: undefined }) })
  .filter((f) => f.startInclusive !== undefined || f.endInclusive !== undefined)
  .map((f) => (f.startInclusive !== undefined && f.endInclusive !== undefined && Date.parse(f.startInclusive) > Date.parse(f.endInclusive) ? { startInclusive: f.endInclusive, endInclusive: f.startInclusive } : f))
  .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)));

const PACKAGE_FIELDS: [string, fc.Arbitrary<unknown>][] = [
  ['name', stringFilter(PACKAGE_NAMES)],
  ['version', stringFilter(VERSIONS)],
  ['epoch', numberFilter([0, 1, 2, 10, 0.5])],
  ['release', stringFilter(['25.el9', 'r0', '3', '1', 'a_b'])],
  ['architecture', stringFilter(ARCHES.filter((a): a is string => a !== null))],
  ['filePath', stringFilter(PATHS.filter((p): p is string => p !== null))],
  ['sourceLayerHash', stringFilter(LAYERS.filter((l): l is string => l !== null))],
];
/** One or two fields: more would rarely match anything. */
const packageFilter = fc
  .array(fc.oneof(...PACKAGE_FIELDS.map(([field, filter]) => filter.map((f): [string, unknown] => [field, f]))), { minLength: 1, maxLength: 2 })
  .map((pairs) => Object.fromEntries(pairs));

const STRING_KEYS: [string, fc.Arbitrary<unknown>][] = [
  ['accountId', stringFilter([ACCOUNT, 'acct-0'])],
  ['region', stringFilter(REGIONS)],
  ['resourceId', stringFilter([RESOURCE(0), RESOURCE(1), 'res-'])],
  ['resourceType', stringFilter(['HOST', 'CONTAINER_IMAGE', 'FUNCTION', 'CONTAINER'], ['HOST', 'CONTAINER_IMAGE', 'FUNCTION'])],
  ['severity', stringFilter(severities)],
  ['findingStatus', stringFilter(['ACTIVE', 'SUPPRESSED', 'CLOSED'])],
  ['findingType', stringFilter(['PACKAGE_VULNERABILITY', 'CODE_VULNERABILITY'])],
  ['vulnerabilityId', stringFilter(VULNERABILITY_IDS)],
  ['fixAvailable', stringFilter(['YES', 'NO', 'PARTIAL'])],
  ['exploitAvailable', stringFilter(['YES', 'NO'])],
  ['title', stringFilter(TITLES)],
  ['packageEcosystem', stringFilter(ECOSYSTEMS)],
  ['filePath', stringFilter(PATHS.filter((p): p is string => p !== null))],
];

const weighted = (weight: number, arbitrary: fc.Arbitrary<[string, unknown]>) => ({ weight, arbitrary });
const criterion: fc.Arbitrary<[string, unknown]> = fc.oneof(
  ...STRING_KEYS.map(([key, filter]) => weighted(1, entries(filter).map((e): [string, unknown] => [key, e]))),
  weighted(2, entries(numberFilter([0, 0.1, 5, 7.5, 9.8, 10, 3])).map((e): [string, unknown] => ['vigilScore', e])),
  weighted(2, entries(numberFilter([0, 0.00042, 0.5, 0.97, 0.3])).map((e): [string, unknown] => ['epssScore', e])),
  ...['firstObservedAt', 'lastObservedAt', 'updatedAt'].map((key) => weighted(1, entries(dateFilter).map((e): [string, unknown] => [key, e]))),
  weighted(
    3,
    entries(fc.record({ comparison: fc.constant('EQUALS'), key: pick(TAG_KEYS), value: fc.option(pick(TAG_VALUES), { nil: undefined }) }).map((t) => (t.value === undefined ? { comparison: t.comparison, key: t.key } : t))).map(
      (e): [string, unknown] => ['resourceTags', e],
    ),
  ),
  weighted(6, fc.array(packageFilter, { minLength: 1, maxLength: 2 }).map((e): [string, unknown] => ['vulnerablePackages', e])),
);

const rawCriteria = fc.array(criterion, { maxLength: 3, size: 'max' }).map((pairs) => Object.fromEntries(pairs));

/** The criteria with the world's ids put in for the markers, parsed as the API parses them. */
function criteriaFor(world: World, raw: Record<string, unknown>): ParsedCriteria {
  const resolved = JSON.parse(JSON.stringify(raw), (_key, value: unknown) => {
    if (value === ACCOUNT) return world.accountId;
    if (typeof value === 'string' && value.startsWith('@resource')) return world.resources[Number(value.slice('@resource'.length))]?.id ?? 'res-none';
    return value;
  }) as unknown;
  const parsed = parseCriteria(resolved);
  if (!parsed.ok) throw new Error(`the generator made invalid criteria: ${parsed.error.message}`);
  return parsed.criteria;
}

const sortArb: fc.Arbitrary<SortCriteria> = fc.record({ field: pick(sortFields), sortOrder: pick(['ASC', 'DESC'] as const) });

// ── The pure references ─────────────────────────────────────────────────────────────────────

function matching(world: World, criteria: ParsedCriteria): LifecycleFinding[] {
  const predicate = compileCriteria(criteria);
  return world.lifecycle.filter((finding) => predicate(finding, world.facts(finding)));
}

/** Every page of a search, walked with the store's cursor, checked against `pageFindings` page by page. */
async function expectSearchLikePure(store: Store, world: World, criteria: ParsedCriteria, sort: SortCriteria, limit: number): Promise<string[]> {
  const expectedMatches = matching(world, criteria);
  const byId = new Map(world.stored.map((f) => [f.id as string, f]));
  const seen: string[] = [];
  let after: Cursor | undefined;
  for (let page = 0; ; page++) {
    const got = await store.searchFindings(world.accountId, { criteria, sort, limit, ...(after ? { after } : {}) });
    const expected = pageFindings(expectedMatches, { sort, maxResults: limit, nextToken: after ? encodeCursor(after) : null });
    if (!expected.ok) throw new Error(expected.error.message);
    expect(got.findings.map((f) => f.id), `page ${page}`).toEqual(expected.findings.map((f) => f.id));
    // Each as stored: its head, and a body whose text parses to the stored finding.
    expect(got.findings.map(({ findingJson, ...head }) => ({ ...head, finding: JSON.parse(findingJson) }))).toEqual(got.findings.map((f) => byId.get(f.id)));
    expect(got.next ? encodeCursor(got.next) : null, `next token of page ${page}`).toBe(expected.nextToken);
    seen.push(...got.findings.map((f) => f.id));
    if (!got.next) break;
    after = got.next;
    expect(page).toBeLessThan(200);
  }
  expect(seen).toEqual(sortFindings(expectedMatches, sort).map((f) => f.id));
  return seen;
}

const COUNT_OF: Record<FindingAggregationSortBy, keyof FindingCounts> = {
  ALL: 'all',
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
  INFORMATIONAL: 'informational',
  UNTRIAGED: 'untriaged',
  FIX_AVAILABLE: 'fixAvailable',
  EXPLOIT_AVAILABLE: 'exploitAvailable',
};

/** Aggregation by hand: the group of each matching finding (or none), counted, in the requested order. */
function pureAggregation(world: World, type: FindingAggregationType, criteria: ParsedCriteria, sortBy: FindingAggregationSortBy, sortOrder: 'ASC' | 'DESC'): FindingAggregation[] {
  const resources = new Map(world.resources.map((r) => [r.id as string, r]));
  const groups = new Map<string, { keys: string[]; group: FindingAggregation; images: Set<string> }>();
  for (const finding of matching(world, criteria)) {
    const resource = resources.get(finding.resourceId)!;
    const counts: FindingCounts = { all: 0, critical: 0, high: 0, medium: 0, low: 0, informational: 0, untriaged: 0, fixAvailable: 0, exploitAvailable: 0 };
    let keys: string[];
    let group: FindingAggregation;
    const layer = finding.body.package.locations[0]?.layer?.digest;
    switch (type) {
      case 'ACCOUNT':
        keys = [finding.accountId];
        group = { type, accountId: finding.accountId as AccountId, counts };
        break;
      case 'RESOURCE':
        keys = [finding.resourceId, finding.resourceType];
        group = { type, resourceId: resource.id, resourceType: finding.resourceType, counts };
        break;
      case 'RESOURCE_TYPE':
        keys = [finding.resourceType];
        group = { type, resourceType: finding.resourceType, counts };
        break;
      case 'PACKAGE':
        keys = [finding.packageEcosystem, finding.packageName];
        group = { type, packageEcosystem: finding.packageEcosystem, packageName: finding.packageName, counts };
        break;
      case 'VULNERABILITY':
        keys = [finding.body.vulnerabilityId];
        group = { type, vulnerabilityId: finding.body.vulnerabilityId, counts };
        break;
      case 'REPOSITORY':
        if (finding.resourceType !== 'CONTAINER_IMAGE' || resource.type !== 'CONTAINER_IMAGE') continue;
        keys = [resource.details.repository];
        group = { type, repository: resource.details.repository, affectedImages: 0, counts };
        break;
      case 'IMAGE_LAYER':
        if (finding.resourceType !== 'CONTAINER_IMAGE' || resource.type !== 'CONTAINER_IMAGE' || layer === undefined) continue;
        keys = [finding.resourceId, layer];
        group = { type, resourceId: resource.id, repository: resource.details.repository, layerDigest: layer, counts };
        break;
      case 'FUNCTION':
        if (finding.resourceType !== 'FUNCTION' || resource.type !== 'FUNCTION') continue;
        keys = [finding.resourceId];
        group = { type, resourceId: resource.id, functionName: resource.name, runtime: resource.details.runtime ?? null, counts };
        break;
    }
    const key = keys.join('\u0000');
    const entry = groups.get(key) ?? { keys, group, images: new Set<string>() };
    groups.set(key, entry);
    const c = entry.group.counts;
    c.all++;
    c[finding.body.severity.toLowerCase() as 'critical' | 'high' | 'medium' | 'low' | 'informational' | 'untriaged']++;
    if (finding.body.fixAvailable === 'YES') c.fixAvailable++;
    if (finding.body.exploitAvailable === 'YES') c.exploitAvailable++;
    entry.images.add(finding.resourceId);
    if (entry.group.type === 'REPOSITORY') entry.group.affectedImages = entry.images.size;
  }
  const direction = sortOrder === 'DESC' ? -1 : 1;
  const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return [...groups.values()]
    .sort((a, b) => {
      const byCount = compare(a.group.counts[COUNT_OF[sortBy]], b.group.counts[COUNT_OF[sortBy]]);
      if (byCount !== 0) return direction * byCount;
      for (let i = 0; i < a.keys.length; i++) {
        const byKey = compare(a.keys[i]!, b.keys[i]!);
        if (byKey !== 0) return direction * byKey;
      }
      return 0;
    })
    .map((entry) => entry.group);
}

async function allAggregationPages(store: Store, accountId: AccountId, request: Parameters<Store['aggregateFindings']>[1]): Promise<FindingAggregation[]> {
  const groups: FindingAggregation[] = [];
  let after: string | undefined;
  for (let page = 0; ; page++) {
    const got = await store.aggregateFindings(accountId, { ...request, ...(after ? { after } : {}) });
    if (got.next) expect(got.groups).toHaveLength(request.limit);
    else expect(got.groups.length).toBeLessThanOrEqual(request.limit);
    groups.push(...got.groups);
    if (!got.next) return groups;
    after = got.next;
    expect(page).toBeLessThan(200);
  }
}

// ── Deterministic worlds ────────────────────────────────────────────────────────────────────

function seed(overrides: Partial<FindingSeed>): FindingSeed {
  return {
    resource: 0,
    vulnerabilityId: 'CVE-2024-1',
    title: 'Overflow in a',
    ecosystem: 'npm',
    name: 'lodash',
    version: '1.0.0',
    packageType: 'npm',
    arch: null,
    purlEpoch: null,
    path: '/app/package-lock.json',
    layer: null,
    severity: 'HIGH',
    score: 7.5,
    epss: 0.5,
    vigil: 7.5,
    status: 'ACTIVE',
    times: [1, 1, 1, 1],
    fix: 'YES',
    exploit: 'NO',
    ...overrides,
  };
}

const host = (tags: Record<string, string> = {}): ResourceSeed => ({ type: 'HOST', region: 'eu-west-1', tags, repository: '', runtime: null });

export function runFindingSearchContract(current: () => Store): void {
  describe('finding search', () => {
    it('compares PREFIX and EQUALS as bytes: % and _ are plain characters, and case counts', async () => {
      const store = current();
      const names = ['a%b', 'a_b', 'aXb', 'A%b', 'a%', 'ab'];
      const world = await storeWorld(store, { resources: [host()], findings: names.map((name, i) => seed({ name, vulnerabilityId: `CVE-2024-${i}` })) });
      const found = async (criteria: Record<string, unknown>) => {
        const page = await store.searchFindings(world.accountId, { criteria: criteriaFor(world, criteria), sort: { field: 'VULNERABILITY_ID', sortOrder: 'ASC' }, limit: 100 });
        return page.findings.map((f) => (JSON.parse(f.findingJson) as StoredFinding['finding']).package.name).sort();
      };
      const prefix = (value: string) => ({ vulnerablePackages: [{ name: { comparison: 'PREFIX', value } }] });
      expect(await found(prefix('a%'))).toEqual(['a%', 'a%b']);
      expect(await found(prefix('a_'))).toEqual(['a_b']);
      expect(await found(prefix('A'))).toEqual(['A%b']);
      expect(await found(prefix('a'))).toEqual(['a%', 'a%b', 'aXb', 'a_b', 'ab']);
      expect(await found({ vulnerablePackages: [{ name: { comparison: 'EQUALS', value: 'A%B' } }] })).toEqual([]);
      expect(await found({ vulnerablePackages: [{ name: { comparison: 'NOT_EQUALS', value: 'a%' } }] })).toEqual(['A%b', 'a%b', 'aXb', 'a_b', 'ab']);
      expect(await found({ vulnerabilityId: [{ comparison: 'PREFIX', value: 'cve' }] })).toEqual([]);
    });

    it('leaves SUPPRESSED and CLOSED out unless findingStatus asks for them', async () => {
      const store = current();
      const world = await storeWorld(store, {
        resources: [host()],
        findings: (['ACTIVE', 'SUPPRESSED', 'CLOSED'] as const).map((status, i) => seed({ status, vulnerabilityId: `CVE-2024-${i}` })),
      });
      const statuses = async (criteria: Record<string, unknown>) =>
        (await store.searchFindings(world.accountId, { criteria: criteriaFor(world, criteria), sort: { field: 'SEVERITY', sortOrder: 'DESC' }, limit: 10 })).findings.map((f) => f.status).sort();
      expect(await statuses({})).toEqual(['ACTIVE']);
      expect(await statuses({ findingStatus: [{ comparison: 'NOT_EQUALS', value: 'ACTIVE' }] })).toEqual(['CLOSED', 'SUPPRESSED']);
      expect(await statuses({ findingStatus: [{ comparison: 'PREFIX', value: 'S' }, { comparison: 'EQUALS', value: 'CLOSED' }] })).toEqual(['CLOSED', 'SUPPRESSED']);
    });

    it('puts findings without a score last in both directions, and pages through ties by id', async () => {
      const store = current();
      const vigils = [null, 5, 5, 5, null, 9.8, 0];
      const world = await storeWorld(store, { resources: [host()], findings: vigils.map((vigil, i) => seed({ vigil, epss: vigil === null ? null : 0.1, vulnerabilityId: `CVE-2024-${i}` })) });
      for (const sortOrder of ['ASC', 'DESC'] as const) {
        for (const limit of [1, 2, 3, 7]) {
          const ids = await expectSearchLikePure(store, world, {}, { field: 'VIGIL_SCORE', sortOrder }, limit);
          const scores = ids.map((id) => world.stored.find((f) => f.id === id)!.vigilScore?.score ?? null);
          expect(scores.slice(-2)).toEqual([null, null]);
        }
      }
    });

    it('reads release, architecture, epoch and layer from the installed package, and passes NOT_EQUALS where there is none', async () => {
      const store = current();
      const world = await storeWorld(store, {
        resources: [host()],
        findings: [
          seed({ vulnerabilityId: 'CVE-1', ecosystem: 'Rocky Linux:9', name: 'openssl', version: '1:3.0.7-25.el9', packageType: 'rpm', arch: 'x86_64', path: '/var/lib/rpm', layer: 'sha256:L1' }),
          seed({ vulnerabilityId: 'CVE-2', ecosystem: 'npm', name: 'lodash', version: '4.17.20', packageType: 'npm', path: null }),
        ],
      });
      const vulns = async (pkg: Record<string, unknown>) =>
        (await store.searchFindings(world.accountId, { criteria: criteriaFor(world, { vulnerablePackages: [pkg] }), sort: { field: 'VULNERABILITY_ID', sortOrder: 'ASC' }, limit: 10 })).findings.map(
          (f) => f.vulnerabilityId,
        );
      expect(await vulns({ release: { comparison: 'EQUALS', value: '25.el9' } })).toEqual(['CVE-1']);
      expect(await vulns({ release: { comparison: 'NOT_EQUALS', value: '25.el9' } })).toEqual(['CVE-2']);
      expect(await vulns({ architecture: { comparison: 'PREFIX', value: 'x86' } })).toEqual(['CVE-1']);
      expect(await vulns({ epoch: { lowerInclusive: 1 } })).toEqual(['CVE-1']);
      expect(await vulns({ epoch: { upperInclusive: 0.5 } })).toEqual(['CVE-2']);
      expect(await vulns({ sourceLayerHash: { comparison: 'NOT_EQUALS', value: 'sha256:L1' } })).toEqual(['CVE-2']);
      expect(await vulns({ filePath: { comparison: 'NOT_EQUALS', value: '/var/lib/rpm' } })).toEqual(['CVE-2']);
      expect(await vulns({ name: { comparison: 'EQUALS', value: 'openssl' }, version: { comparison: 'PREFIX', value: '1:3' } })).toEqual(['CVE-1']);
    });

    it('matches resource tags by key, or by key and value (an empty value too), from createResource', async () => {
      const store = current();
      const world = await storeWorld(store, {
        resources: [host({ env: 'prod' }), host({ env: '' }), host({ team: 'web' })],
        findings: [0, 1, 2].map((resource) => seed({ resource, vulnerabilityId: `CVE-${resource}` })),
      });
      const vulns = async (tags: unknown[]) =>
        (await store.searchFindings(world.accountId, { criteria: criteriaFor(world, { resourceTags: tags }), sort: { field: 'VULNERABILITY_ID', sortOrder: 'ASC' }, limit: 10 })).findings.map((f) => f.vulnerabilityId);
      expect(await vulns([{ comparison: 'EQUALS', key: 'env' }])).toEqual(['CVE-0', 'CVE-1']);
      expect(await vulns([{ comparison: 'EQUALS', key: 'env', value: '' }])).toEqual(['CVE-1']);
      expect(await vulns([{ comparison: 'EQUALS', key: 'env', value: 'Prod' }])).toEqual([]);
      expect(await vulns([{ comparison: 'EQUALS', key: 'env', value: 'prod' }, { comparison: 'EQUALS', key: 'team' }])).toEqual(['CVE-0', 'CVE-2']);
    });

    it('probes each finding for its tags when many resources carry them, with the same answer', async () => {
      const store = current();
      // More resources with an env tag than a search starts from (FEW_TAGGED_RESOURCES): the key
      // alone is probed per finding; prod (half of them) and team are few enough to start from.
      const resources = Array.from({ length: 210 }, (_, i) => host(i % 2 === 0 ? { env: 'prod' } : { env: 'dev', team: i % 3 === 0 ? 'web' : '' }));
      const world = await storeWorld(store, {
        resources,
        findings: Array.from({ length: 60 }, (_, i) => seed({ resource: (i * 7) % resources.length, vulnerabilityId: `CVE-2024-${i % 9}`, severity: severities[i % 6]!, vigil: i % 5 === 0 ? null : i % 11 })),
      });
      for (const tags of [[{ comparison: 'EQUALS', key: 'env', value: 'prod' }], [{ comparison: 'EQUALS', key: 'env' }], [{ comparison: 'EQUALS', key: 'team', value: '' }, { comparison: 'EQUALS', key: 'env', value: 'prod' }]]) {
        await expectSearchLikePure(store, world, criteriaFor(world, { resourceTags: tags }), { field: 'VIGIL_SCORE', sortOrder: 'DESC' }, 7);
      }
    });

    it('never matches a value holding U+0000 (PostgreSQL cannot store one), and never refuses it', async () => {
      const store = current();
      const world = await storeWorld(store, { resources: [host()], findings: [seed({ vulnerabilityId: 'CVE-1' }), seed({ vulnerabilityId: 'CVE-2' })] });
      const vulns = async (criteria: Record<string, unknown>) =>
        (await store.searchFindings(world.accountId, { criteria: criteriaFor(world, criteria), sort: { field: 'VULNERABILITY_ID', sortOrder: 'ASC' }, limit: 10 })).findings.map((f) => f.vulnerabilityId);
      expect(await vulns({ vulnerabilityId: [{ comparison: 'EQUALS', value: 'CVE-1\u0000' }] })).toEqual([]);
      expect(await vulns({ vulnerabilityId: [{ comparison: 'PREFIX', value: 'CVE\u0000' }] })).toEqual([]);
      expect(await vulns({ vulnerabilityId: [{ comparison: 'NOT_EQUALS', value: 'CVE-1\u0000' }] })).toEqual(['CVE-1', 'CVE-2']);
      expect(await vulns({ vulnerablePackages: [{ release: { comparison: 'NOT_EQUALS', value: '\u0000' } }] })).toEqual(['CVE-1', 'CVE-2']);
    });

    it("refuses a cursor made for another sort, and never shows another account's findings", async () => {
      const store = current();
      const world = await storeWorld(store, { resources: [host()], findings: [seed({})] });
      const cursor: Cursor = { sort: { field: 'SEVERITY', sortOrder: 'ASC' }, value: 3, id: 'fnd-0' };
      const error = await store.searchFindings(world.accountId, { criteria: {}, sort: { field: 'SEVERITY', sortOrder: 'DESC' }, limit: 5, after: cursor }).catch((e: unknown) => e);
      expect(isStoreError(error, 'INVALID_CURSOR')).toBe(true);
      const other = await store.createAccount({ name: unique('other'), region: 'eu-west-1' });
      expect(await store.searchFindings(other.id, { criteria: {}, sort: { field: 'SEVERITY', sortOrder: 'DESC' }, limit: 5 })).toEqual({ findings: [] });
      expect((await store.aggregateFindings(other.id, { type: 'ACCOUNT', limit: 5 })).groups).toEqual([]);
    });

    it('returns what the pure criteria, sort and pages return, for generated findings and criteria', async () => {
      const store = current();
      await fc.assert(
        fc.asyncProperty(worldSeed, rawCriteria, sortArb, fc.integer({ min: 1, max: 6 }), async (seeds, raw, sort, limit) => {
          const world = await storeWorld(store, seeds, { laterScans: true });
          await expectSearchLikePure(store, world, criteriaFor(world, raw), sort, limit);
        }),
        { numRuns: runs(60) },
      );
    });
  });

  describe('finding aggregations', () => {
    it('groups by repository, image layer and function with the resource facts, and counts per severity, fix and exploit', async () => {
      const store = current();
      const image = (repository: string): ResourceSeed => ({ type: 'CONTAINER_IMAGE', region: 'eu-west-1', tags: {}, repository, runtime: null });
      const world = await storeWorld(store, {
        resources: [image('registry.local/app'), image('registry.local/app'), { type: 'FUNCTION', region: 'eu-west-1', tags: {}, repository: '', runtime: 'nodejs20.x' }, host()],
        findings: [
          seed({ resource: 0, vulnerabilityId: 'CVE-1', severity: 'CRITICAL', layer: 'sha256:L1', exploit: 'YES' }),
          seed({ resource: 0, vulnerabilityId: 'CVE-2', severity: 'HIGH', layer: 'sha256:L1', fix: 'NO' }),
          seed({ resource: 1, vulnerabilityId: 'CVE-1', severity: 'CRITICAL', layer: 'sha256:L2' }),
          seed({ resource: 1, vulnerabilityId: 'CVE-3', severity: 'LOW', layer: null, fix: 'PARTIAL' }),
          seed({ resource: 2, vulnerabilityId: 'CVE-1', severity: 'MEDIUM' }),
          seed({ resource: 3, vulnerabilityId: 'CVE-1', severity: 'UNTRIAGED', status: 'SUPPRESSED' }),
        ],
      });
      const [img0, img1, fn] = world.resources as [Resource, Resource, Resource];
      const counts = (c: Partial<FindingCounts>): FindingCounts => ({ all: 0, critical: 0, high: 0, medium: 0, low: 0, informational: 0, untriaged: 0, fixAvailable: 0, exploitAvailable: 0, ...c });
      expect((await store.aggregateFindings(world.accountId, { type: 'REPOSITORY', limit: 10 })).groups).toEqual([
        { type: 'REPOSITORY', repository: 'registry.local/app', affectedImages: 2, counts: counts({ all: 4, critical: 2, high: 1, low: 1, fixAvailable: 2, exploitAvailable: 1 }) },
      ]);
      const layers = (await store.aggregateFindings(world.accountId, { type: 'IMAGE_LAYER', sortBy: 'CRITICAL', limit: 10 })).groups;
      expect(layers).toEqual(
        [
          { type: 'IMAGE_LAYER', resourceId: img0.id, repository: 'registry.local/app', layerDigest: 'sha256:L1', counts: counts({ all: 2, critical: 1, high: 1, fixAvailable: 1, exploitAvailable: 1 }) },
          { type: 'IMAGE_LAYER', resourceId: img1.id, repository: 'registry.local/app', layerDigest: 'sha256:L2', counts: counts({ all: 1, critical: 1, fixAvailable: 1 }) },
        ].sort((a, b) => (a.resourceId < b.resourceId ? 1 : -1)),
      );
      expect((await store.aggregateFindings(world.accountId, { type: 'FUNCTION', limit: 10 })).groups).toEqual([
        { type: 'FUNCTION', resourceId: fn.id, functionName: fn.name, runtime: 'nodejs20.x', counts: counts({ all: 1, medium: 1, fixAvailable: 1 }) },
      ]);
      const byVulnerability = await store.aggregateFindings(world.accountId, { type: 'VULNERABILITY', criteria: criteriaFor(world, { findingStatus: [{ comparison: 'PREFIX', value: 'A' }, { comparison: 'EQUALS', value: 'SUPPRESSED' }] }), limit: 1 });
      expect(byVulnerability.groups).toEqual([{ type: 'VULNERABILITY', vulnerabilityId: 'CVE-1', counts: counts({ all: 4, critical: 2, medium: 1, untriaged: 1, fixAvailable: 4, exploitAvailable: 1 }) }]);
      const second = await store.aggregateFindings(world.accountId, { type: 'VULNERABILITY', criteria: criteriaFor(world, { findingStatus: [{ comparison: 'PREFIX', value: 'A' }, { comparison: 'EQUALS', value: 'SUPPRESSED' }] }), limit: 1, after: byVulnerability.next! });
      expect(isStoreError(await store.aggregateFindings(world.accountId, { type: 'PACKAGE', limit: 1, after: byVulnerability.next! }).catch((e: unknown) => e), 'INVALID_CURSOR')).toBe(true);
      expect(second.groups.map((g) => (g.type === 'VULNERABILITY' ? g.vulnerabilityId : ''))).toEqual(['CVE-3']);
    });

    it('returns what grouping the pure search results by hand returns, page by page, for every type and order', async () => {
      const store = current();
      await fc.assert(
        fc.asyncProperty(
          worldSeed,
          rawCriteria,
          pick(findingAggregationTypes),
          pick<FindingAggregationSortBy>(['ALL', 'CRITICAL', 'HIGH', 'LOW', 'FIX_AVAILABLE', 'EXPLOIT_AVAILABLE']),
          pick(['ASC', 'DESC'] as const),
          fc.integer({ min: 1, max: 4 }),
          async (seeds, raw, type, sortBy, sortOrder, limit) => {
            const world = await storeWorld(store, seeds, { laterScans: true });
            const criteria = criteriaFor(world, raw);
            const got = await allAggregationPages(store, world.accountId, { type, criteria, sortBy, sortOrder, limit });
            expect(got).toEqual(pureAggregation(world, type, criteria, sortBy, sortOrder));
          },
        ),
        { numRuns: runs(30) },
      );
    });

    it('counts findings by status and severity, closed and suppressed ones included', async () => {
      const store = current();
      const world = await storeWorld(store, {
        resources: [host()],
        findings: [
          seed({ vulnerabilityId: 'CVE-1', severity: 'HIGH' }),
          seed({ vulnerabilityId: 'CVE-2', severity: 'HIGH' }),
          seed({ vulnerabilityId: 'CVE-3', severity: 'LOW', status: 'CLOSED' }),
          seed({ vulnerabilityId: 'CVE-4', severity: 'HIGH', status: 'SUPPRESSED' }),
        ],
      });
      expect(await store.countFindings(world.accountId)).toEqual([
        { status: 'ACTIVE', severity: 'HIGH', count: 2 },
        { status: 'CLOSED', severity: 'LOW', count: 1 },
        { status: 'SUPPRESSED', severity: 'HIGH', count: 1 },
      ]);
      const everyone = await store.countFindings();
      expect(everyone.find((c) => c.status === 'ACTIVE' && c.severity === 'HIGH')!.count).toBeGreaterThanOrEqual(2);
    });
  });

  describe('retention', () => {
    const DAY = 24 * 60 * 60 * 1000;
    const NOW = Date.parse('2026-06-30T12:00:00.000Z');
    /** Closing times around the policies' edges: exactly n days ago, a millisecond either side. */
    const CLOSED_AGO = [0, 1, 2.5, 3, 4, 29, 30, 31].flatMap((days) => [-1, 0, 1].map((ms) => new Date(NOW - days * DAY + ms).toISOString()));

    const purgeWorld = fc.record({
      resources: fc.array(fc.record({ deleted: fc.boolean(), seed: resourceSeed }), { minLength: 1, maxLength: 4, size: 'max' }),
      findings: fc.array(fc.record({ resource: fc.nat(), status: pick(['CLOSED', 'CLOSED', 'ACTIVE', 'SUPPRESSED'] as const), closedAt: pick(CLOSED_AGO), vulnerabilityId: pick(VULNERABILITY_IDS) }), { maxLength: 30, size: 'max' }),
      policy: fc.record({ closedDays: pick([0, 3, 30, 31]), deletedResourceDays: pick([0, 1, 3, 30]) }),
    });

    type PurgeWorld = typeof purgeWorld extends fc.Arbitrary<infer T> ? T : never;

    async function storePurgeWorld(store: Store, world: PurgeWorld) {
      const accountId = (await store.createAccount({ name: unique('purge'), region: 'eu-west-1' })).id;
      const resources: Resource[] = [];
      for (const { seed: s } of world.resources) resources.push(await store.createResource({ ...resourceSpec(s), accountId, region: s.region, name: unique('r'), tags: s.tags }));
      const writes = new Map<string, FindingWrite>();
      for (const f of world.findings) {
        const resource = resources[f.resource % resources.length]!;
        const common = {
          id: newId('FindingId'),
          accountId,
          region: resource.region,
          resourceId: resource.id,
          resourceType: resource.type,
          firstObservedAt: TIMES[0]!,
          lastObservedAt: TIMES[0]!,
          updatedAt: TIMES[0]!,
          vigilScore: null,
          finding: scanFinding(seed({ vulnerabilityId: f.vulnerabilityId })),
        };
        const write: FindingWrite = f.status === 'CLOSED' ? { ...common, status: 'CLOSED', closedAt: f.closedAt } : { ...common, status: f.status, closedAt: null };
        writes.set(identityKey(identityOf(write)), write);
      }
      const stored = await store.upsertFindings([...writes.values()]);
      for (const [i, r] of world.resources.entries()) if (r.deleted) await store.deleteResource(accountId, resources[i]!.id);
      return { accountId, resources, stored };
    }

    function cutoffs(policy: RetentionPolicy) {
      return { closedBefore: new Date(NOW - policy.closedDays * DAY).toISOString(), deletedResourceClosedBefore: new Date(NOW - policy.deletedResourceDays * DAY).toISOString() };
    }

    it('purges exactly what purgeable names, reading a deleted resource as RESOURCE_DELETED, and then the deleted resources left empty', async () => {
      const store = current();
      await fc.assert(
        fc.asyncProperty(purgeWorld, async (world) => {
          const { accountId, resources, stored } = await storePurgeWorld(store, world);
          const deleted = new Set(resources.filter((_, i) => world.resources[i]!.deleted).map((r) => r.id as string));
          const lifecycle = stored.map((record) => {
            const finding = fromStoredRecord(record);
            return finding.status === 'CLOSED' && deleted.has(finding.resourceId) ? { ...finding, closeReason: 'RESOURCE_DELETED' as const } : finding;
          });
          const expectedGone = new Set(purgeable(lifecycle, new Date(NOW).toISOString(), world.policy));
          const result = await store.purgeFindings({ ...cutoffs(world.policy), accountId });
          expect(result.findings).toBe(expectedGone.size);
          const left = new Set<string>();
          for (const resource of resources) for (const f of await store.listFindingsForResource(resource.id)) left.add(f.id);
          expect([...left].sort()).toEqual(stored.map((f) => f.id as string).filter((id) => !expectedGone.has(id)).sort());
          // Their bodies went with them (the body table's foreign key), and only theirs.
          expect([...(await store.getFindingBodies(stored.map((f) => f.id))).keys()].sort()).toEqual([...left].sort());
          const emptied = resources.filter((r) => deleted.has(r.id) && !stored.some((f) => f.resourceId === r.id && left.has(f.id)));
          expect(result.resources).toBe(emptied.length);
          for (const resource of resources) {
            const kept = await store.getResource(accountId, resource.id, { includeDeleted: true });
            expect(kept === undefined, resource.id).toBe(emptied.includes(resource));
          }
        }),
        { numRuns: runs(25) },
      );
    });

    it('keeps other accounts out of an account-scoped purge', async () => {
      const store = current();
      const world = { resources: [{ deleted: true, seed: host() }], findings: [{ resource: 0, status: 'CLOSED' as const, closedAt: CLOSED_AGO[0]!, vulnerabilityId: 'CVE-1' }], policy: { closedDays: 0, deletedResourceDays: 0 } };
      const mine = await storePurgeWorld(store, world);
      const theirs = await storePurgeWorld(store, world);
      expect(await store.purgeFindings({ ...cutoffs(world.policy), accountId: mine.accountId })).toEqual({ findings: 1, resources: 1 });
      expect(await store.listFindingsForResource(theirs.resources[0]!.id)).toHaveLength(1);
      expect(await store.getResource(theirs.accountId, theirs.resources[0]!.id, { includeDeleted: true })).toBeDefined();
    });
  });
}
