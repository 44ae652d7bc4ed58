/** @module What every query module is handed: the connection (or transaction) and its dialect. */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { StoreError } from '../errors.js';
import type { AccountId } from '../ids.js';
import type { DialectName } from '../migrations/index.js';
import type { Timestamp } from '../records.js';
import type { StoreDatabase } from '../schema.js';

export interface QueryContext {
  db: Kysely<StoreDatabase>;
  dialect: DialectName;
  /** Runs a multi-statement write atomically: in the caller's transaction when there is one, else in its own. */
  atomically<T>(fn: (tx: QueryContext) => Promise<T>): Promise<T>;
}

/**
 * Rows per statement: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters with the
 * widest table (findings, 31 columns).
 */
export const BATCH = 500;

export function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A list of any length as one parameter, for `column in (…)`: a text array unnested on
 * PostgreSQL, a JSON array read by json_each on SQLite. One statement whatever the length: no
 * chunking, and one short text to parse and plan instead of one with hundreds of parameters.
 */
export function textList(dialect: DialectName, values: readonly string[]): RawBuilder<string> {
  return dialect === 'postgres' ? sql<string>`(select unnest(${values}::text[]))` : sql<string>`(select value from json_each(${JSON.stringify(values)}))`;
}

export function now(): Timestamp {
  return new Date().toISOString();
}

/** Turns a missing account into its own error rather than a foreign-key failure. */
export async function requireAccount(ctx: QueryContext, id: AccountId): Promise<void> {
  const found = await ctx.db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst();
  if (!found) throw new StoreError('ACCOUNT_NOT_FOUND', `account ${id} does not exist`);
}
