/**
 * @module The inventory index carries the packages themselves: each (resource, ecosystem, name)
 * row holds the inventory's packages looked up under that key, and each stored inventory its
 * distribution apart. Re-evaluation then reads, for a changed package, just the packages that hold
 * it, never the whole inventory (300 packages parsed to re-match one). Rows written before this
 * have neither (NULL): re-evaluation reads those resources' whole inventories, as before.
 */
import type { Kysely } from 'kysely';
import type { StoreMigration } from './migration.js';

async function up(db: Kysely<unknown>): Promise<void> {
  // JSON: [[position in the inventory's package list, package], ...]; NULL when unknown.
  await db.schema.alterTable('inventory_index').addColumn('packages', 'text').execute();
  // JSON of the inventory's distribution ("null" when it has none); NULL when unknown.
  await db.schema.alterTable('inventories').addColumn('distro', 'text').execute();
}

export const inventoryPackages = { up } satisfies StoreMigration;
