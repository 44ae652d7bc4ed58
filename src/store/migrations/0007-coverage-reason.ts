/**
 * @module Each resource keeps the coverage reason last announced for it (a COVERAGE_CHANGED event
 * in the outbox), so that a change of coverage is announced once, in the transaction that made
 * it, and the periodic sweep finds the inventories that have gone stale since. NULL: none yet.
 */
import type { Kysely } from 'kysely';
import type { StoreMigration } from './migration.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('resources').addColumn('coverage_reason', 'text').execute();
  // The stale sweep: resources by the time their inventory was taken.
  await db.schema.createIndex('resources_inventory_timestamp').on('resources').columns(['inventory_timestamp']).execute();
}

export const coverageReason = { up } satisfies StoreMigration;
