/**
 * A store schema as an earlier release left it: a fresh database (SQLite in memory, or a
 * PostgreSQL database of its own) migrated with the migrations named before `before` only, so
 * that a test can store rows the old way and then run migrateToLatest over them.
 */
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import pg from 'pg';
import { storeMigrations, type DialectName } from '../../src/store/migrations/index.js';
import type { StoreDatabase } from '../../src/store/schema.js';
import { createTestDatabase } from './postgres.js';

export interface OldSchemaDatabase {
  db: Kysely<StoreDatabase>;
  /** Closes the connection and drops a PostgreSQL database. */
  close(): Promise<void>;
}

export async function databaseMigratedBefore(dialect: DialectName, before: string): Promise<OldSchemaDatabase> {
  const database = dialect === 'postgres' ? await createTestDatabase(`m${before}`) : undefined;
  const db = new Kysely<StoreDatabase>({
    dialect: database ? new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }) : new SqliteDialect({ database: new Database(':memory:') }),
  });
  const close = async () => {
    await db.destroy();
    await database?.drop();
  };
  const earlier = Object.fromEntries(
    Object.entries(storeMigrations)
      .filter(([name]) => name < before)
      .map(([name, m]): [string, Migration] => [name, { up: (d) => m.up(d as Kysely<unknown>, dialect) }]),
  );
  // The same table names as migrateToLatest, so that it carries on from here.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => earlier }, migrationTableName: 'store_migrations', migrationLockTableName: 'store_migrations_lock' });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await close();
    throw error;
  }
  return { db, close };
}
