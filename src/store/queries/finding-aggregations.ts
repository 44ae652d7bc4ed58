/**
 * @module Finding aggregations (Inspector's ListFindingAggregations) in the database: the findings
 * the criteria match, grouped by what the aggregation type names, counted per severity, with fix
 * and exploit counts, and paged by a cursor over (sort count, group key) in one direction.
 * @see https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListFindingAggregations.html
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { StoreError } from '../errors.js';
import type { AccountId, ResourceId } from '../ids.js';
import type { ResourceType } from '../records.js';
import type { FindingAggregation, FindingAggregationPage, FindingAggregationRequest, FindingAggregationSortBy, FindingAggregationType, FindingCounts } from '../search.js';
import type { Store } from '../store.js';
import type { QueryContext } from './context.js';
import { criteriaCondition } from './criteria-sql.js';

export const MAX_AGGREGATION_PAGE = 100;

/** The counts, each a column of the grouped query. */
const COUNTS: Record<keyof FindingCounts, { alias: string; expression: RawBuilder<number> }> = {
  all: { alias: 'n_all', expression: sql`count(*)` },
  critical: { alias: 'n_critical', expression: sql`sum(case when findings.severity = 'CRITICAL' then 1 else 0 end)` },
  high: { alias: 'n_high', expression: sql`sum(case when findings.severity = 'HIGH' then 1 else 0 end)` },
  medium: { alias: 'n_medium', expression: sql`sum(case when findings.severity = 'MEDIUM' then 1 else 0 end)` },
  low: { alias: 'n_low', expression: sql`sum(case when findings.severity = 'LOW' then 1 else 0 end)` },
  informational: { alias: 'n_informational', expression: sql`sum(case when findings.severity = 'INFORMATIONAL' then 1 else 0 end)` },
  untriaged: { alias: 'n_untriaged', expression: sql`sum(case when findings.severity = 'UNTRIAGED' then 1 else 0 end)` },
  fixAvailable: { alias: 'n_fix', expression: sql`sum(case when findings.fix_available = 'YES' then 1 else 0 end)` },
  exploitAvailable: { alias: 'n_exploit', expression: sql`sum(case when findings.exploit_available = 'YES' then 1 else 0 end)` },
};

const SORT_COUNT: Record<FindingAggregationSortBy, keyof FindingCounts> = {
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

type GroupRow = Record<string, string | number | null>;

/**
 * What one aggregation type groups by. `keys` name a group (and order groups with equal counts);
 * `carried` are facts of the group's resource (one value per group); `only` keeps the findings
 * the type is about; `resource` joins the finding's resource for its repository, name or runtime.
 */
interface Grouping {
  keys: RawBuilder<unknown>[];
  carried: RawBuilder<unknown>[];
  only?: RawBuilder<SqlBool>;
  resource?: true;
  /** Extra aggregate columns, after the counts. */
  extra?: RawBuilder<unknown>[];
  group(row: GroupRow, counts: FindingCounts): FindingAggregation;
}

const text = (value: unknown) => String(value);

const GROUPINGS: Record<FindingAggregationType, Grouping> = {
  ACCOUNT: {
    keys: [sql`findings.account_id`],
    carried: [],
    group: (row, counts) => ({ type: 'ACCOUNT', accountId: text(row.k0) as AccountId, counts }),
  },
  RESOURCE: {
    keys: [sql`findings.resource_id`, sql`findings.resource_type`],
    carried: [],
    group: (row, counts) => ({ type: 'RESOURCE', resourceId: text(row.k0) as ResourceId, resourceType: text(row.k1) as ResourceType, counts }),
  },
  RESOURCE_TYPE: {
    keys: [sql`findings.resource_type`],
    carried: [],
    group: (row, counts) => ({ type: 'RESOURCE_TYPE', resourceType: text(row.k0) as ResourceType, counts }),
  },
  PACKAGE: {
    keys: [sql`findings.package_ecosystem`, sql`findings.package_name`],
    carried: [],
    group: (row, counts) => ({ type: 'PACKAGE', packageEcosystem: text(row.k0), packageName: text(row.k1), counts }),
  },
  VULNERABILITY: {
    keys: [sql`findings.vulnerability_id`],
    carried: [],
    group: (row, counts) => ({ type: 'VULNERABILITY', vulnerabilityId: text(row.k0), counts }),
  },
  REPOSITORY: {
    keys: [sql`resources.repository`],
    carried: [],
    only: sql<SqlBool>`findings.resource_type = 'CONTAINER_IMAGE' and resources.repository is not null`,
    resource: true,
    extra: [sql`count(distinct findings.resource_id)`],
    group: (row, counts) => ({ type: 'REPOSITORY', repository: text(row.k0), affectedImages: Number(row.x0), counts }),
  },
  IMAGE_LAYER: {
    keys: [sql`findings.resource_id`, sql`findings.layer_digest`],
    carried: [sql`resources.repository`],
    only: sql<SqlBool>`findings.resource_type = 'CONTAINER_IMAGE' and findings.layer_digest is not null`,
    resource: true,
    group: (row, counts) => ({ type: 'IMAGE_LAYER', resourceId: text(row.k0) as ResourceId, layerDigest: text(row.k1), repository: text(row.c0 ?? ''), counts }),
  },
  FUNCTION: {
    keys: [sql`findings.resource_id`],
    carried: [sql`resources.name`, sql`resources.runtime`],
    only: sql<SqlBool>`findings.resource_type = 'FUNCTION'`,
    resource: true,
    group: (row, counts) => ({ type: 'FUNCTION', resourceId: text(row.k0) as ResourceId, functionName: text(row.c0), runtime: row.c1 === null ? null : text(row.c1), counts }),
  },
};

interface AggregationCursor {
  count: number;
  keys: string[];
}

function invalidToken(): never {
  throw new StoreError('INVALID_CURSOR', 'the aggregation token was not made for this aggregation; start again without one');
}

function encodeToken(request: { type: string; sortBy: string; sortOrder: string }, cursor: AggregationCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, t: request.type, s: request.sortBy, o: request.sortOrder, c: cursor.count, k: cursor.keys }), 'utf8').toString('base64url');
}

function decodeToken(token: string, request: { type: string; sortBy: string; sortOrder: string }, keyCount: number): AggregationCursor {
  if (!/^[A-Za-z0-9_-]{1,8192}$/.test(token)) invalidToken();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    invalidToken();
  }
  if (parsed === null || typeof parsed !== 'object') invalidToken();
  const { v, t, s, o, c, k } = parsed as Record<string, unknown>;
  if (v !== 1 || t !== request.type || s !== request.sortBy || o !== request.sortOrder) invalidToken();
  if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 0) invalidToken();
  if (!Array.isArray(k) || k.length !== keyCount || !k.every((key) => typeof key === 'string')) invalidToken();
  return { count: c, keys: k as string[] };
}

export function findingAggregationQueries(ctx: QueryContext) {
  return {
    async aggregateFindings(accountId: AccountId, request: FindingAggregationRequest): Promise<FindingAggregationPage> {
      const grouping = GROUPINGS[request.type];
      const sortBy = request.sortBy ?? 'ALL';
      const sortOrder = request.sortOrder ?? 'DESC';
      const shape = { type: request.type, sortBy, sortOrder };
      const limit = Math.min(MAX_AGGREGATION_PAGE, Math.max(1, Math.trunc(request.limit) || 1));
      const after = request.after === undefined ? undefined : decodeToken(request.after, shape, grouping.keys.length);
      const sortAlias = COUNTS[SORT_COUNT[sortBy]].alias;
      const keyAliases = grouping.keys.map((_, i) => `k${i}`);

      const grouped = ctx.db
        .selectFrom('findings')
        .$if(grouping.resource === true, (qb) => qb.innerJoin('resources', 'resources.id', 'findings.resource_id'))
        .where('findings.account_id', '=', accountId)
        .where((eb) => criteriaCondition(eb, ctx.dialect, request.criteria ?? {}))
        .$if(grouping.only !== undefined, (qb) => qb.where(grouping.only!))
        .select([
          ...grouping.keys.map((key, i) => key.as(`k${i}`)),
          ...grouping.carried.map((column, i) => column.as(`c${i}`)),
          ...Object.values(COUNTS).map(({ alias, expression }) => expression.as(alias)),
          ...(grouping.extra ?? []).map((expression, i) => expression.as(`x${i}`)),
        ])
        .groupBy([...grouping.keys, ...grouping.carried]);

      // Equal counts are ordered by the group's key, in the same direction, so the order is total
      // and the cursor is one row-value comparison.
      const position = sql.join([sql.ref(`g.${sortAlias}`), ...keyAliases.map((alias) => sql.ref(`g.${alias}`))]);
      const direction = sortOrder === 'DESC' ? 'desc' : 'asc';
      let page = ctx.db.selectFrom(grouped.as('g')).selectAll('g');
      if (after) page = page.where(sql<SqlBool>`(${position}) ${sql.raw(sortOrder === 'DESC' ? '<' : '>')} (${sql.join([after.count, ...after.keys])})`);
      let ordered = page.orderBy(sql.ref(`g.${sortAlias}`), direction);
      for (const alias of keyAliases) ordered = ordered.orderBy(sql.ref(`g.${alias}`), direction);
      const found = (await ordered.limit(limit + 1).execute()) as GroupRow[];

      const groups = found.slice(0, limit).map((row) => {
        // PostgreSQL counts and sums in bigint, which its driver hands back as text.
        const counts = Object.fromEntries(Object.entries(COUNTS).map(([name, { alias }]) => [name, Number(row[alias] ?? 0)])) as unknown as FindingCounts;
        return grouping.group(row, counts);
      });
      const last = found.length > limit ? found[limit - 1] : undefined;
      return last ? { groups, next: encodeToken(shape, { count: Number(last[sortAlias]), keys: keyAliases.map((alias) => text(last[alias])) }) } : { groups };
    },
  } satisfies Partial<Store>;
}
