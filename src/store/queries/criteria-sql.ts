/**
 * @module Inspector's filter criteria as a SQL condition over `findings`, meaning exactly what
 * `compileCriteria` (src/findings/criteria.ts) means over a finding and its resource:
 * - keys AND-ed; within a key EQUALS and PREFIX OR-ed, NOT_EQUALS AND-ed, the two groups AND-ed;
 *   number and date ranges OR-ed; vulnerablePackages entries OR-ed, each the AND of its fields;
 * - a value the finding lacks (a NULL column) fails EQUALS, PREFIX and ranges and passes
 *   NOT_EQUALS (`col IS NULL OR col <> v`: SQL's three-valued logic is never left to decide);
 * - comparisons are binary: SQLite's default BINARY collation, PostgreSQL's "C" on these columns
 *   (migration 0003). PREFIX is never LIKE (case-insensitive on SQLite, and % and _ are
 *   wildcards): it is the range `col >= p AND col < p⁺`, where p⁺ is p with its last code point
 *   raised by one, which holds exactly the strings starting with p in code point order (the
 *   order of UTF-8 bytes) and can walk an index;
 * - without a findingStatus key only ACTIVE findings match, unless told otherwise.
 * The same SQL on both databases, except one case named below (NUL characters on PostgreSQL).
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { DateFilter, FilterCriteria, MapFilter, NumberFilter, PackageFilter, StringFilter } from '../../findings/criteria.js';
import type { AccountId } from '../ids.js';
import type { DialectName } from '../migrations/index.js';
import { observationCoveredColumns } from '../rows.js';
import type { StoreDatabase } from '../schema.js';

type FindingsEb = ExpressionBuilder<StoreDatabase, 'findings'>;
type Condition = Expression<SqlBool>;

type FindingColumn = keyof StoreDatabase['findings'];
interface TextColumn {
  column: FindingColumn;
  /** Whether a finding may lack the value (NULL). */
  nullable: boolean;
  /** Where the query reads it: the finding's row, or the copy beside its lastObservedAt (default findings). */
  table?: 'findings' | 'finding_observations';
}

type StringKey = { [K in keyof FilterCriteria]-?: NonNullable<FilterCriteria[K]> extends StringFilter[] ? K : never }[keyof FilterCriteria];
type NumberKey = 'vigilScore' | 'epssScore';
type DateKey = 'firstObservedAt' | 'lastObservedAt' | 'updatedAt';

/**
 * The column each string key reads. The resource's facts (account, region, id, type) are the
 * finding's own columns: a finding is written with its resource's.
 */
const STRING_COLUMNS: Record<StringKey, TextColumn> = {
  accountId: { column: 'account_id', nullable: false },
  region: { column: 'region', nullable: false },
  resourceId: { column: 'resource_id', nullable: false },
  resourceType: { column: 'resource_type', nullable: false },
  severity: { column: 'severity', nullable: false },
  findingStatus: { column: 'status', nullable: false },
  findingType: { column: 'type', nullable: false },
  vulnerabilityId: { column: 'vulnerability_id', nullable: false },
  fixAvailable: { column: 'fix_available', nullable: false },
  exploitAvailable: { column: 'exploit_available', nullable: false },
  title: { column: 'title', nullable: false },
  packageEcosystem: { column: 'package_ecosystem', nullable: false },
  filePath: { column: 'file_path', nullable: false },
};

const NUMBER_COLUMNS: Record<NumberKey, FindingColumn> = { vigilScore: 'vigil_score', epssScore: 'epss_score' };
const DATE_COLUMNS: Record<Exclude<DateKey, 'lastObservedAt'>, FindingColumn> = { firstObservedAt: 'first_observed_at', updatedAt: 'updated_at' };

const PACKAGE_COLUMNS: Record<Exclude<keyof PackageFilter, 'epoch'>, TextColumn> = {
  name: { column: 'package_raw_name', nullable: false },
  version: { column: 'package_version', nullable: false },
  release: { column: 'package_release', nullable: true },
  architecture: { column: 'package_arch', nullable: true },
  filePath: { column: 'file_path', nullable: false },
  sourceLayerHash: { column: 'layer_digest', nullable: true },
};

const COPIED_IN_OBSERVATIONS: ReadonlySet<string> = new Set(observationCoveredColumns);

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

function all(eb: FindingsEb, conditions: Condition[]): Condition {
  if (conditions.length === 0) return TRUE;
  return conditions.length === 1 ? conditions[0]! : eb.and(conditions);
}

function any(eb: FindingsEb, conditions: Condition[]): Condition {
  if (conditions.length === 0) return FALSE;
  return conditions.length === 1 ? conditions[0]! : eb.or(conditions);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The least string above every string that starts with `prefix`, in code point order: the last
 * code point below U+10FFFF raised by one (skipping the surrogate range), what follows it dropped.
 * Undefined when there is none (a prefix of U+10FFFF only), or for a string with lone surrogates.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  if (LONE_SURROGATE.test(prefix)) return undefined;
  const points = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) return String.fromCodePoint(...points, last === 0xd7ff ? 0xe000 : last + 1);
  }
  return undefined;
}

function stringCondition(eb: FindingsEb, dialect: DialectName, { column, nullable, table = 'findings' }: TextColumn, filter: StringFilter): Condition {
  const ref = sql.ref(`${table}.${column}`);
  const { value } = filter;
  // PostgreSQL's text cannot hold U+0000 (it refuses the parameter), so no stored value contains
  // one: such a value is never equal to, nor a prefix of, anything stored there.
  if (dialect === 'postgres' && value.includes('\u0000')) return filter.comparison === 'NOT_EQUALS' ? TRUE : FALSE;
  switch (filter.comparison) {
    case 'EQUALS':
      return eb(ref, '=', value);
    case 'NOT_EQUALS':
      return nullable ? eb.or([eb(ref, 'is', null), eb(ref, '<>', value)]) : eb(ref, '<>', value);
    case 'PREFIX': {
      const upper = prefixUpperBound(value);
      if (upper !== undefined) return eb.and([eb(ref, '>=', value), eb(ref, '<', upper)]);
      // No upper bound to walk to: compare the first characters (code points, on both databases).
      return eb.and([eb(ref, '>=', value), eb(eb.fn('substr', [ref, sql.lit(1), sql.lit(Array.from(value).length)]), '=', value)]);
    }
  }
}

/** EQUALS/PREFIX entries OR-ed, NOT_EQUALS entries AND-ed, the two groups AND-ed. */
function stringFiltersCondition(eb: FindingsEb, dialect: DialectName, column: TextColumn, filters: readonly StringFilter[]): Condition {
  const positive = filters.filter((f) => f.comparison !== 'NOT_EQUALS').map((f) => stringCondition(eb, dialect, column, f));
  const negative = filters.filter((f) => f.comparison === 'NOT_EQUALS').map((f) => stringCondition(eb, dialect, column, f));
  return all(eb, [...(positive.length > 0 ? [any(eb, positive)] : []), ...negative]);
}

/** Inclusive bounds; a NULL column fails (the comparisons are not true). */
function rangeCondition(eb: FindingsEb, column: FindingColumn, filter: NumberFilter): Condition {
  const ref = eb.ref(`findings.${column}`);
  // The bound as a double on both databases: PostgreSQL would otherwise type it as the column
  // (an integer epoch against 0.5 is an error there).
  const bound = (n: number) => sql<number>`cast(${n} as double precision)`;
  const parts: Condition[] = [eb(ref, 'is not', null)];
  if (filter.lowerInclusive !== undefined) parts.push(eb(ref, '>=', bound(filter.lowerInclusive)));
  if (filter.upperInclusive !== undefined) parts.push(eb(ref, '<=', bound(filter.upperInclusive)));
  return all(eb, parts);
}

/** The stored form of a bound: times are stored as fixed-width UTC ISO text, so text order is time order. */
function storedTime(text: string): string {
  return new Date(Date.parse(text)).toISOString();
}

function dateCondition(eb: FindingsEb, ref: Expression<unknown>, filter: DateFilter): Condition {
  const parts: Condition[] = [];
  if (filter.startInclusive !== undefined) parts.push(eb(ref, '>=', storedTime(filter.startInclusive)));
  if (filter.endInclusive !== undefined) parts.push(eb(ref, '<=', storedTime(filter.endInclusive)));
  return all(eb, parts);
}

/** lastObservedAt is kept in finding_observations (migration 0008): read through the query's join when it has one, else a lookup by the finding's id. */
function lastObservedCondition(eb: FindingsEb, filters: readonly DateFilter[], joined: boolean): Condition {
  const inRange = any(eb, filters.map((f) => dateCondition(eb, sql.ref('finding_observations.last_observed_at'), f)));
  if (joined) return inRange;
  return eb.exists(eb.selectFrom('finding_observations').select(sql.lit(1).as('one')).whereRef('finding_observations.finding_id', '=', 'findings.id').where(() => inRange));
}

/** SQL for "the tag row matches one of the entries". */
function tagRowMatches(tb: ExpressionBuilder<StoreDatabase, 'resource_tags'>, tags: readonly MapFilter[]): Condition {
  return tb.or(tags.map((tag) => (tag.value === undefined ? tb('resource_tags.key', '=', tag.key) : tb.and([tb('resource_tags.key', '=', tag.key), tb('resource_tags.value', '=', tag.value)]))));
}

/**
 * Any entry holds: the finding's resource has the key (with the value, when one is given).
 * Two equivalent spellings, for two plans: `resource_id IN (tagged resources)` lets the
 * database start from the few resources a rare tag names; a correlated EXISTS makes it walk
 * the sort's index and probe each finding's resource, which is what a common tag (env=prod)
 * with a LIMIT wants. SQLite's planner picks the IN plan whenever it may, even when the walk
 * would stop after a few thousand rows, so the caller chooses (see `tagPlanFor`).
 */
function tagsCondition(eb: FindingsEb, tags: readonly MapFilter[], plan: TagPlan): Condition {
  if (tags.length === 0) return FALSE;
  if (plan === 'probe-each-finding') {
    return eb.exists(eb.selectFrom('resource_tags').select(sql.lit(1).as('one')).whereRef('resource_tags.resource_id', '=', 'findings.resource_id').where((tb) => tagRowMatches(tb, tags)));
  }
  return eb('findings.resource_id', 'in', eb.selectFrom('resource_tags').select('resource_tags.resource_id').where((tb) => tagRowMatches(tb, tags)));
}

function packageCondition(eb: FindingsEb, dialect: DialectName, filter: PackageFilter): Condition {
  const parts: Condition[] = [];
  for (const field of Object.keys(PACKAGE_COLUMNS) as (keyof typeof PACKAGE_COLUMNS)[]) {
    const sub = filter[field];
    if (sub) parts.push(stringFiltersCondition(eb, dialect, PACKAGE_COLUMNS[field], [sub]));
  }
  if (filter.epoch) parts.push(rangeCondition(eb, 'package_epoch', filter.epoch));
  return all(eb, parts);
}

/** How a resourceTags criterion is spelled: from the tagged resources, or probed per finding. */
export type TagPlan = 'start-from-resources' | 'probe-each-finding';

/** Up to this many tagged resources, a search starts from them rather than walking its sort's index. */
export const FEW_TAGGED_RESOURCES = 200;

/**
 * The tag plan for a search with a LIMIT: start from the tagged resources when there are few of
 * them in the account (their findings are few enough to sort), else walk the sort's index and
 * probe each finding's tags (a common tag matches findings all along the walk).
 */
export async function tagPlanFor(db: Kysely<StoreDatabase>, accountId: AccountId, tags: readonly MapFilter[]): Promise<TagPlan> {
  const tagged = await db
    .selectFrom('resource_tags')
    .innerJoin('resources', 'resources.id', 'resource_tags.resource_id')
    .select('resource_tags.resource_id')
    .distinct()
    .where('resources.account_id', '=', accountId)
    .where((tb) => tb.or(tags.map((tag) => (tag.value === undefined ? tb('resource_tags.key', '=', tag.key) : tb.and([tb('resource_tags.key', '=', tag.key), tb('resource_tags.value', '=', tag.value)])))))
    .limit(FEW_TAGGED_RESOURCES + 1)
    .execute();
  return tagged.length <= FEW_TAGGED_RESOURCES ? 'start-from-resources' : 'probe-each-finding';
}

export interface CriteriaConditionOptions {
  /** Leave out SUPPRESSED and CLOSED findings when the criteria have no findingStatus (default true). */
  defaultStatusFilter?: boolean;
  /** Default start-from-resources. */
  tagPlan?: TagPlan;
  /** The query joins finding_observations to findings (default false): lastObservedAt is read from it. */
  observationsJoined?: boolean;
  /**
   * With the join, the columns copied into finding_observations are read there too: for a walk
   * of its sort index (the lastObservedAt sort), which then tests them without a join per finding
   * passed over. Any other walk wants them from findings, whose indexes hold them.
   */
  copiesFromObservations?: boolean;
}

/** The condition of parsed criteria over `findings` (the query must select from findings). */
export function criteriaCondition(eb: FindingsEb, dialect: DialectName, criteria: FilterCriteria, options: CriteriaConditionOptions = {}): Condition {
  const parts: Condition[] = [];
  const copied = options.observationsJoined && options.copiesFromObservations ? COPIED_IN_OBSERVATIONS : new Set<string>();
  for (const key of Object.keys(STRING_COLUMNS) as StringKey[]) {
    const filters = criteria[key];
    const column = STRING_COLUMNS[key];
    if (filters) parts.push(stringFiltersCondition(eb, dialect, copied.has(column.column) ? { ...column, table: 'finding_observations' } : column, filters));
  }
  if (!criteria.findingStatus && options.defaultStatusFilter !== false) parts.push(eb(sql.ref(copied.has('status') ? 'finding_observations.status' : 'findings.status'), '=', 'ACTIVE'));
  for (const key of Object.keys(NUMBER_COLUMNS) as NumberKey[]) {
    const filters = criteria[key];
    if (filters) parts.push(any(eb, filters.map((f) => rangeCondition(eb, NUMBER_COLUMNS[key], f))));
  }
  for (const key of Object.keys(DATE_COLUMNS) as Array<keyof typeof DATE_COLUMNS>) {
    const filters = criteria[key];
    if (filters) parts.push(any(eb, filters.map((f) => dateCondition(eb, eb.ref(`findings.${DATE_COLUMNS[key]}`), f))));
  }
  if (criteria.lastObservedAt) parts.push(lastObservedCondition(eb, criteria.lastObservedAt, options.observationsJoined ?? false));
  if (criteria.resourceTags) parts.push(tagsCondition(eb, criteria.resourceTags, options.tagPlan ?? 'start-from-resources'));
  if (criteria.vulnerablePackages) parts.push(any(eb, criteria.vulnerablePackages.map((p) => packageCondition(eb, dialect, p))));
  return all(eb, parts);
}
