/** @module The scale-out store: PostgreSQL through a connection pool, migrated on open. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describeError } from '../errors.js';
import { StoreError } from './errors.js';
import { createKyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations/index.js';
import type { StoreDatabase } from './schema.js';
import type { Store } from './store.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  maxConnections?: number;
}

/** Opens the store in the database `url` names (postgres://user@host:port/database). */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // A pooled connection the server drops while idle is reported here; without a listener the
  // process would exit. The pool replaces it, and a query on a dead server fails on its own.
  pool.on('error', () => {});
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as Kysely<unknown>, 'postgres');
  } catch (error) {
    await db.destroy();
    if (error instanceof StoreError) throw error;
    throw new StoreError('STORE_UNAVAILABLE', `cannot open the PostgreSQL store at ${redact(url)}: ${describeError(error)}`, { cause: error });
  }
  return createKyselyStore(db, 'postgres');
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given URL';
  }
}
