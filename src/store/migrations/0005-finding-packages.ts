/**
 * @module Findings by package: re-evaluation reads the findings of the packages it re-matched
 * (a resource, a package name, a file) and, without this, would read every finding of each
 * resource to find them.
 */
import type { Kysely } from 'kysely';
import type { StoreMigration } from './migration.js';

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('findings_package').on('findings').columns(['resource_id', 'package_name', 'file_path']).execute();
}

export const findingPackages = { up } satisfies StoreMigration;
