/**
 * @module The Store on Kysely: one set of queries (under queries/) for SQLite and PostgreSQL.
 * The two differ in three places, each named where it happens: how a transaction begins (here),
 * row locks (queries/resources.ts) and the outbox's commit order (queries/events.ts).
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from './migrations/index.js';
import { accountQueries } from './queries/accounts.js';
import type { QueryContext } from './queries/context.js';
import { eventQueries } from './queries/events.js';
import { filterQueries } from './queries/filters.js';
import { findingAggregationQueries } from './queries/finding-aggregations.js';
import { findingSearchQueries } from './queries/finding-search.js';
import { findingQueries } from './queries/findings.js';
import { reevaluationQueries } from './queries/reevaluation.js';
import { resourceQueries } from './queries/resources.js';
import { retentionQueries } from './queries/retention.js';
import { scanQueries } from './queries/scans.js';
import { settingQueries } from './queries/settings.js';
import type { StoreDatabase } from './schema.js';
import type { Store } from './store.js';

/**
 * Runs `body` in a new transaction. SQLite transactions take the write lock when they begin
 * (BEGIN IMMEDIATE), not at their first write as Kysely's plain BEGIN does: another process on
 * the same file (a `vigil keys` command beside the server) may have written in between, and a
 * transaction that had read first would then fail with SQLITE_BUSY instead of waiting its turn
 * and reading what was committed. Kysely serialises the one SQLite connection, so in-process
 * transactions run one at a time.
 */
function inNewTransaction<T>(db: Kysely<StoreDatabase>, dialect: DialectName, body: (tx: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
  if (dialect === 'postgres') return db.transaction().execute(body);
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    let result: T;
    try {
      result = await body(connection);
    } catch (error) {
      // SQLite has already rolled back after some errors (a full disk); the caller wants the cause, not that.
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
    await sql`commit`.execute(connection);
    return result;
  });
}

function build(db: Kysely<StoreDatabase>, dialect: DialectName, inTransaction: boolean): { store: Store; ctx: QueryContext } {
  const ctx: QueryContext = {
    db,
    dialect,
    atomically: (fn) => (inTransaction ? fn(ctx) : inNewTransaction(db, dialect, (tx) => fn(build(tx, dialect, true).ctx))),
  };
  const store: Store = {
    dialect,
    ...accountQueries(ctx),
    ...resourceQueries(ctx),
    ...reevaluationQueries(ctx),
    ...findingQueries(ctx),
    ...findingSearchQueries(ctx),
    ...findingAggregationQueries(ctx),
    ...retentionQueries(ctx),
    ...filterQueries(ctx),
    ...eventQueries(ctx),
    ...scanQueries(ctx),
    ...settingQueries(ctx),
    // A transaction inside a transaction joins it.
    transaction: (fn) => (inTransaction ? fn(store) : inNewTransaction(db, dialect, (tx) => fn(build(tx, dialect, true).store))),
    close: async () => {
      if (inTransaction) throw new Error('a transaction cannot close the store');
      await db.destroy();
    },
  };
  return { store, ctx };
}

export function createKyselyStore(db: Kysely<StoreDatabase>, dialect: DialectName): Store {
  return build(db, dialect, false).store;
}
