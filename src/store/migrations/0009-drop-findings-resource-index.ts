/**
 * @module The index of findings by resource alone goes: `findings_package` (resource, package
 * name, file path) leads with the resource and serves every lookup it served — a resource's
 * findings for a push, the foreign key's cascade when a resource is deleted, retention's test for
 * resources left without findings — while each findings write (a push creates, reopens and closes
 * some) no longer maintains one more index of `findings`.
 */
import type { Kysely } from 'kysely';
import type { StoreMigration } from './migration.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('findings_resource').execute();
}

export const dropFindingsResourceIndex = { up } satisfies StoreMigration;
