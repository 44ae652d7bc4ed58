/**
 * @module The order of a finding search and its cursor: one total order per sort, so a page
 * boundary is always well-defined, and the same order the store's SQL must produce.
 *
 * The order, for `{ field, sortOrder }`:
 * 1. Findings without a value (no Vigil score, no EPSS score) come last, in both orders
 *    (SQL: `ORDER BY value IS NULL, value <dir>, id <dir>`).
 * 2. The value, in `sortOrder`. SEVERITY ranks UNTRIAGED < INFORMATIONAL < LOW < MEDIUM < HIGH <
 *    CRITICAL (DESC: CRITICAL first); times compare as instants; VULNERABILITY_ID by UTF-16 code
 *    units (SQL binary collation), not by locale.
 * 3. The finding id, in the same direction as the value, so that a cursor is a row-value
 *    comparison `(value, id) < (cursorValue, cursorId)` for DESC and `>` for ASC.
 * A cursor is opaque base64url JSON holding the sort it belongs to and the last row's value and id.
 * It is not signed (the criteria still apply on every page; a forged cursor only moves the start).
 */
import type { Severity } from '../model/finding.js';
import { SEVERITIES } from '../scoring/severity.js';
import type { StoredFinding } from './model.js';

export type SortField = 'SEVERITY' | 'VIGIL_SCORE' | 'EPSS_SCORE' | 'FIRST_OBSERVED_AT' | 'LAST_OBSERVED_AT' | 'VULNERABILITY_ID';
export const sortFields: readonly SortField[] = ['SEVERITY', 'VIGIL_SCORE', 'EPSS_SCORE', 'FIRST_OBSERVED_AT', 'LAST_OBSERVED_AT', 'VULNERABILITY_ID'];
export type SortOrder = 'ASC' | 'DESC';

export interface SortCriteria {
  field: SortField;
  sortOrder: SortOrder;
}

/** Inspector's default for ListFindings in the console: most severe first. */
export const DEFAULT_SORT: SortCriteria = { field: 'SEVERITY', sortOrder: 'DESC' };

type SortValue = number | string | null;

/** The value a finding sorts by: numbers for severity (rank), scores and times; the id text for VULNERABILITY_ID. */
export function sortValue(finding: StoredFinding, field: SortField): SortValue {
  switch (field) {
    case 'SEVERITY':
      return SEVERITIES.indexOf(finding.body.severity as Severity);
    case 'VIGIL_SCORE':
      return finding.vigilScore;
    case 'EPSS_SCORE':
      return finding.body.epss?.score ?? null;
    case 'FIRST_OBSERVED_AT':
      return Date.parse(finding.firstObservedAt);
    case 'LAST_OBSERVED_AT':
      return Date.parse(finding.lastObservedAt);
    case 'VULNERABILITY_ID':
      return finding.body.vulnerabilityId;
  }
}

function compareBare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two (value, id) positions in the order of `sort`: negative when `a` comes first. */
function comparePositions(a: { value: SortValue; id: string }, b: { value: SortValue; id: string }, sort: SortCriteria): number {
  const aNull = a.value === null || (typeof a.value === 'number' && Number.isNaN(a.value));
  const bNull = b.value === null || (typeof b.value === 'number' && Number.isNaN(b.value));
  if (aNull !== bNull) return aNull ? 1 : -1;
  const direction = sort.sortOrder === 'DESC' ? -1 : 1;
  const byValue = aNull ? 0 : compareBare(a.value as number | string, b.value as number | string);
  return direction * (byValue || compareBare(a.id, b.id));
}

/** A sorted copy; ties broken by id so every order is total. */
export function sortFindings(list: readonly StoredFinding[], sort: SortCriteria = DEFAULT_SORT): StoredFinding[] {
  return list
    .map((finding) => ({ finding, position: { value: sortValue(finding, sort.field), id: finding.id } }))
    .sort((a, b) => comparePositions(a.position, b.position, sort))
    .map(({ finding }) => finding);
}

export interface Cursor {
  sort: SortCriteria;
  value: SortValue;
  id: string;
}

export interface TokenError {
  code: 'INVALID_NEXT_TOKEN';
  message: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: 1, f: cursor.sort.field, o: cursor.sort.sortOrder, k: cursor.value, i: cursor.id }), 'utf8').toString('base64url');
}

/** The cursor of a token; any malformed token is INVALID_NEXT_TOKEN, never an exception. */
export function decodeCursor(token: unknown): { ok: true; cursor: Cursor } | { ok: false; error: TokenError } {
  const invalid = (why: string) => ({ ok: false as const, error: { code: 'INVALID_NEXT_TOKEN' as const, message: `nextToken ${why}; start again without a nextToken` } });
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return invalid('is not a token this service issued');
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return invalid('is not a token this service issued');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return invalid('is not a token this service issued');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return invalid('is not a token this service issued');
  const { v, f, o, k, i } = parsed as Record<string, unknown>;
  if (v !== 1 || !sortFields.includes(f as SortField) || (o !== 'ASC' && o !== 'DESC') || typeof i !== 'string' || i.length === 0) return invalid('is not a token this service issued');
  const field = f as SortField;
  const valueOk = k === null || (field === 'VULNERABILITY_ID' ? typeof k === 'string' : typeof k === 'number' && Number.isFinite(k));
  if (!valueOk) return invalid('is not a token this service issued');
  return { ok: true, cursor: { sort: { field, sortOrder: o }, value: k as SortValue, id: i } };
}

export const MAX_PAGE_SIZE = 100;

/**
 * One page of findings already filtered, in the order of `sort`: the findings after the cursor,
 * at most `maxResults` (1 to 100), and the token of the next page when more remain. A token made
 * for another sort is refused.
 */
export function pageFindings(
  list: readonly StoredFinding[],
  request: { sort?: SortCriteria; maxResults?: number; nextToken?: string | null },
): { ok: true; findings: StoredFinding[]; nextToken: string | null } | { ok: false; error: TokenError } {
  const sort = request.sort ?? DEFAULT_SORT;
  const max = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(request.maxResults ?? MAX_PAGE_SIZE)));
  let rest = sortFindings(list, sort);
  if (request.nextToken !== undefined && request.nextToken !== null && request.nextToken !== '') {
    const decoded = decodeCursor(request.nextToken);
    if (!decoded.ok) return decoded;
    const { cursor } = decoded;
    if (cursor.sort.field !== sort.field || cursor.sort.sortOrder !== sort.sortOrder) {
      return { ok: false, error: { code: 'INVALID_NEXT_TOKEN', message: `nextToken belongs to a search sorted by ${cursor.sort.field} ${cursor.sort.sortOrder}, not ${sort.field} ${sort.sortOrder}` } };
    }
    rest = rest.filter((finding) => comparePositions({ value: sortValue(finding, sort.field), id: finding.id }, { value: cursor.value, id: cursor.id }, sort) > 0);
  }
  const findings = rest.slice(0, max);
  const last = findings.at(-1);
  const nextToken = rest.length > max && last ? encodeCursor({ sort, value: sortValue(last, sort.field), id: last.id }) : null;
  return { ok: true, findings, nextToken };
}
