/** @module The store's migrations, one line each, in order, and the step that runs them on open. */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { StoreError } from '../errors.js';
import { initial } from './0001-initial.js';
import { scansAndSettings } from './0002-scans-and-settings.js';
import { findingSearch } from './0003-finding-search.js';
import { inventoryPackages } from './0004-inventory-packages.js';
import { findingPackages } from './0005-finding-packages.js';
import { findingBodies } from './0006-finding-bodies.js';
import { coverageReason } from './0007-coverage-reason.js';
import { findingObservations } from './0008-finding-observations.js';
import { dropFindingsResourceIndex } from './0009-drop-findings-resource-index.js';
import { lz4Compression } from './0010-lz4-compression.js';
import type { DialectName, StoreMigration } from './migration.js';

/** Names sort in the order they run; a released migration is never edited, only followed. */
export const storeMigrations: Readonly<Record<string, StoreMigration>> = {
  '0001-initial': initial,
  '0002-scans-and-settings': scansAndSettings,
  '0003-finding-search': findingSearch,
  '0004-inventory-packages': inventoryPackages,
  '0005-finding-packages': findingPackages,
  '0006-finding-bodies': findingBodies,
  '0007-coverage-reason': coverageReason,
  '0008-finding-observations': findingObservations,
  '0009-drop-findings-resource-index': dropFindingsResourceIndex,
  '0010-lz4-compression': lz4Compression,
};

/** Kysely's Migrator over the static list above, with the dialect handed to each migration. */
function providerFor(dialect: DialectName): MigrationProvider {
  return {
    getMigrations: async () =>
      Object.fromEntries(
        Object.entries(storeMigrations).map(([name, m]): [string, Migration] => [name, { up: (db) => m.up(db as Kysely<unknown>, dialect) }]),
      ),
  };
}

/**
 * Brings the schema up to date. Kysely runs the pending migrations in one transaction under a
 * lock, so several processes starting together against one PostgreSQL migrate it once.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const migrator = new Migrator({ db, provider: providerFor(dialect), migrationTableName: 'store_migrations', migrationLockTableName: 'store_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new StoreError('STORE_UNAVAILABLE', `the ${dialect} store could not be migrated${failed ? ` (migration ${failed} failed)` : ''}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export type { DialectName, StoreMigration } from './migration.js';
