/** @module The embedded store: one SQLite file (or memory), one connection, migrated on open. */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { describeError } from '../errors.js';
import { StoreError } from './errors.js';
import { createKyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations/index.js';
import { startCheckpointer } from './sqlite-checkpointer.js';
import type { StoreDatabase } from './schema.js';
import type { Store } from './store.js';

export interface SqliteStoreOptions {
  /**
   * Checkpoint the write-ahead log on a worker thread rather than inside commits
   * (sqlite-checkpointer.ts): for a long-lived process, the server. Not for ':memory:'.
   */
  checkpointInBackground?: boolean;
}

/**
 * Opens (creating if needed) the store at `path`, or a private one in memory for ':memory:'.
 * Kysely serialises the single connection, so transactions in one process run one at a time;
 * other processes wait up to the busy timeout for the file's write lock.
 */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<Store> {
  let database: Database.Database;
  try {
    database = new Database(path);
    // WAL lets readers in other processes read while this one writes; NORMAL sync is safe
    // with WAL against a killed process (a power cut may lose the last commits, never mix them).
    if (path !== ':memory:') {
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
    }
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new StoreError('STORE_UNAVAILABLE', `cannot open the SQLite store at ${path}: ${describeError(error)}`, { cause: error });
  }
  const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  try {
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  refreshPlannerStatistics(database);
  const store = createKyselyStore(db, 'sqlite');
  if (!options.checkpointInBackground || path === ':memory:') return store;
  const checkpointer = startCheckpointer(database, path);
  return {
    ...store,
    close: async () => {
      await store.close();
      await checkpointer.stop();
    },
  };
}

/** Prepared statements kept per SQL text: Kysely prepares each query it runs, and a push runs the same few dozen. */
const STATEMENT_CACHE_SIZE = 256;

function withStatementCache(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      // A statement still being iterated (a streamed query) cannot run again: a new one, then.
      if (cached && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}

/**
 * SQLite plans finding searches well only with statistics (without them it walks a sort's whole
 * index for one CVE). `PRAGMA optimize` gathers them where they are missing or stale, with a
 * limit that keeps it short: on open over every table, as SQLite advises for long-lived
 * connections (retention runs it again; queries/retention.ts). A failure (another process
 * holding the write lock past the busy timeout) only postpones it.
 */
function refreshPlannerStatistics(database: Database.Database): void {
  try {
    database.pragma('optimize = 0x10002');
  } catch {
    // Next time.
  }
}
