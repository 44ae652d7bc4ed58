/**
 * @module Finding search in the database: the criteria as a WHERE clause (criteria-sql.ts), the
 * order and cursor of src/findings/sort.ts as ORDER BY and a row-value comparison, one index walk
 * per page; and the counts by status and severity /metrics reports.
 *
 * The order, for a sort column c: findings with a value by (c, id) in the sort's direction, then
 * findings without one (a NULL Vigil or EPSS score) by id in the same direction. The two databases
 * put NULLs at opposite ends of an index, so the page is read in two steps instead of with
 * `ORDER BY c IS NULL, …` (which no index delivers): first the rows with a value after the cursor,
 * then, only when the page is not full yet, the rows without. Each step is an index range read
 * in order and stops at the page size.
 */
import { sql, type SqlBool } from 'kysely';
import type { Cursor, SortCriteria, SortField } from '../../findings/sort.js';
import { SEVERITIES } from '../../scoring/severity.js';
import { StoreError } from '../errors.js';
import type { AccountId, FindingId } from '../ids.js';
import type { FindingStatus } from '../records.js';
import * as rows from '../rows.js';
import type { FindingCount, FindingSearch, FindingSearchPage } from '../search.js';
import type { Store } from '../store.js';
import type { QueryContext } from './context.js';
import { findingBodies, fromFindingHeads } from './findings.js';
import { criteriaCondition, tagPlanFor } from './criteria-sql.js';

export const MAX_SEARCH_PAGE = 100;

interface SortColumn {
  column: 'severity_rank' | 'vigil_score' | 'epss_score' | 'first_observed_at' | 'last_observed_at' | 'vulnerability_id';
  /** The column and the finding's id as the sort's index holds them. */
  ref: `findings.${'severity_rank' | 'vigil_score' | 'epss_score' | 'first_observed_at' | 'vulnerability_id'}` | 'finding_observations.last_observed_at';
  idRef: 'findings.id' | 'finding_observations.finding_id';
  nullable: boolean;
  /** How a cursor value (sortValue's) becomes a column value and back. */
  kind: 'rank' | 'score' | 'time' | 'text';
}

const SORT_COLUMNS: Record<SortField, SortColumn> = {
  SEVERITY: { column: 'severity_rank', ref: 'findings.severity_rank', idRef: 'findings.id', nullable: false, kind: 'rank' },
  VIGIL_SCORE: { column: 'vigil_score', ref: 'findings.vigil_score', idRef: 'findings.id', nullable: true, kind: 'score' },
  EPSS_SCORE: { column: 'epss_score', ref: 'findings.epss_score', idRef: 'findings.id', nullable: true, kind: 'score' },
  FIRST_OBSERVED_AT: { column: 'first_observed_at', ref: 'findings.first_observed_at', idRef: 'findings.id', nullable: false, kind: 'time' },
  // Kept apart from the findings row (migration 0008), with its index there.
  LAST_OBSERVED_AT: { column: 'last_observed_at', ref: 'finding_observations.last_observed_at', idRef: 'finding_observations.finding_id', nullable: false, kind: 'time' },
  VULNERABILITY_ID: { column: 'vulnerability_id', ref: 'findings.vulnerability_id', idRef: 'findings.id', nullable: false, kind: 'text' },
};

function invalidCursor(why: string): never {
  throw new StoreError('INVALID_CURSOR', `the search cursor ${why}; start again without one`);
}

/** The cursor's value as the column holds it: a rank, a score, ISO text for a time (sortValue gives milliseconds), an id. */
function columnValueOf(sort: SortColumn, value: Cursor['value']): number | string | null {
  if (value === null) return null;
  switch (sort.kind) {
    case 'rank':
      if (typeof value !== 'number' || !Number.isInteger(value)) invalidCursor('holds a severity rank that is not one');
      return value;
    case 'score':
      if (typeof value !== 'number' || !Number.isFinite(value)) invalidCursor('holds a score that is not a number');
      return value;
    case 'time':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 8.64e15) invalidCursor('holds a time that is not one');
      return new Date(value).toISOString();
    case 'text':
      if (typeof value !== 'string') invalidCursor('holds a vulnerability id that is not text');
      return value;
  }
}

/** The cursor value of a row: what sortValue gives for the finding it holds. */
function cursorValueOf(row: { severity_rank: number; vigil_score: number | null; epss_score: number | null; first_observed_at: string; last_observed_at: string; vulnerability_id: string }, sort: SortColumn): Cursor['value'] {
  const value = row[sort.column];
  return sort.kind === 'time' ? Date.parse(value as string) : value;
}

function sameSort(a: SortCriteria, b: SortCriteria): boolean {
  return a.field === b.field && a.sortOrder === b.sortOrder;
}

export function findingSearchQueries(ctx: QueryContext) {
  return {
    async searchFindings(accountId: AccountId, request: FindingSearch): Promise<FindingSearchPage> {
      const { sort, after } = request;
      const limit = Math.min(MAX_SEARCH_PAGE, Math.max(1, Math.trunc(request.limit) || 1));
      if (after && !sameSort(after.sort, sort)) invalidCursor(`belongs to a search sorted by ${after.sort.field} ${after.sort.sortOrder}, not ${sort.field} ${sort.sortOrder}`);
      const column = SORT_COLUMNS[sort.field];
      const { ref, idRef } = column;
      const walksObservations = idRef === 'finding_observations.finding_id';
      const direction = sort.sortOrder === 'DESC' ? 'desc' : 'asc';
      const beyond = sql.raw(sort.sortOrder === 'DESC' ? '<' : '>');
      const afterValue = after && columnValueOf(column, after.value);
      const tags = request.criteria.resourceTags;
      const tagPlan = tags && tags.length > 0 ? await tagPlanFor(ctx.db, accountId, tags) : undefined;

      const matching = () =>
        fromFindingHeads(ctx.db)
          .select([...rows.findingHeadColumns, 'findings.severity_rank', 'findings.vigil_score', 'findings.epss_score', 'findings.vulnerability_id'])
          .where('findings.account_id', '=', accountId)
          // The lastObservedAt sort walks the observations' index, led by the account, testing the criteria's columns it holds.
          .$if(walksObservations, (qb) => qb.where('finding_observations.account_id', '=', accountId))
          .where((eb) => criteriaCondition(eb, ctx.dialect, request.criteria, { observationsJoined: true, copiesFromObservations: walksObservations, ...(tagPlan ? { tagPlan } : {}) }));

      const found = [];
      // 1. Rows with a value, after the cursor's (value, id) when it has a value.
      if (!after || afterValue !== null) {
        const withValue = await matching()
          .$if(column.nullable, (qb) => qb.where(ref, 'is not', null))
          .$if(after !== undefined, (qb) => qb.where(sql<SqlBool>`(${sql.ref(ref)}, ${sql.ref(idRef)}) ${beyond} (${afterValue}, ${after!.id})`))
          .orderBy(ref, direction)
          .orderBy(idRef, direction)
          .limit(limit + 1)
          .execute();
        found.push(...withValue);
      }
      // 2. Rows without a value, after the cursor's id when it is among them.
      if (column.nullable && found.length <= limit) {
        const withoutValue = await matching()
          .where(ref, 'is', null)
          .$if(after !== undefined && afterValue === null, (qb) => qb.where(sql<SqlBool>`${sql.ref('findings.id')} ${beyond} ${after!.id}`))
          .orderBy('findings.id', direction)
          .limit(limit + 1 - found.length)
          .execute();
        found.push(...withoutValue);
      }
      const page = found.slice(0, limit);
      const last = page.at(-1);
      const bodies = await findingBodies(ctx, page.map((row) => row.id as FindingId));
      const findings = page.map((row) => rows.findingTextFromRows(row, bodies.get(row.id as FindingId)!));
      return found.length > limit && last ? { findings, next: { sort, value: cursorValueOf(last, column), id: last.id } } : { findings };
    },

    async countFindings(accountId?: AccountId): Promise<FindingCount[]> {
      // Grouped in the order of the findings_counts index (account, severity rank, status), which
      // answers alone and streams, with no sort; the accounts are summed here.
      const counted = await ctx.db
        .selectFrom('findings')
        .select(['findings.account_id', 'findings.severity_rank', 'findings.status', (eb) => eb.fn.countAll().as('count')])
        .$if(accountId !== undefined, (qb) => qb.where('findings.account_id', '=', accountId!))
        .groupBy(['findings.account_id', 'findings.severity_rank', 'findings.status'])
        .execute();
      const totals = new Map<string, FindingCount>();
      for (const row of counted) {
        const status = row.status as FindingStatus;
        const severity = SEVERITIES[row.severity_rank] ?? 'UNTRIAGED';
        const total = totals.get(`${status} ${severity}`) ?? { status, severity, count: 0 };
        // PostgreSQL counts in bigint, which its driver hands back as text.
        total.count += Number(row.count);
        totals.set(`${status} ${severity}`, total);
      }
      return [...totals.values()].sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : a.severity < b.severity ? -1 : a.severity > b.severity ? 1 : 0));
    },
  } satisfies Partial<Store>;
}
