/**
 * @module The first schema: accounts, keys, resources with their latest inventories and the
 * package index over them, findings, filters and the event outbox.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName, StoreMigration } from './migration.js';

/** A CHECK that a text column holds one of a few values, written the same on both databases. */
function oneOf(column: string, values: readonly string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}

async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addCheckConstraint('api_keys_role', oneOf('role', ['admin', 'member', 'read-only']))
    .execute();
  await db.schema.createIndex('api_keys_account').on('api_keys').columns(['account_id']).execute();

  await db.schema
    .createTable('resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('last_scanned_at', 'text')
    .addColumn('inventory_timestamp', 'text')
    .addCheckConstraint('resources_type', oneOf('type', ['HOST', 'CONTAINER_IMAGE', 'FUNCTION']))
    .execute();
  // Listing pages through an account's resources by id.
  await db.schema.createIndex('resources_account').on('resources').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('inventories')
    .addColumn('resource_id', 'text', (c) => c.primaryKey().references('resources.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('inventory', 'text', (c) => c.notNull())
    .addColumn('inventory_timestamp', 'text', (c) => c.notNull())
    .addColumn('stored_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('inventory_index')
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('ecosystem', 'text', (c) => c.notNull())
    .addColumn('package_name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inventory_index_pk', ['resource_id', 'ecosystem', 'package_name'])
    .execute();
  // Re-evaluation's question: which resources hold this (ecosystem, package)?
  await db.schema.createIndex('inventory_index_package').on('inventory_index').columns(['ecosystem', 'package_name']).execute();

  await db.schema
    .createTable('findings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('vulnerability_id', 'text', (c) => c.notNull())
    .addColumn('package_ecosystem', 'text', (c) => c.notNull())
    .addColumn('package_name', 'text', (c) => c.notNull())
    // '' rather than NULL when a package has no location: NULLs never collide in a UNIQUE index.
    .addColumn('file_path', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('first_observed_at', 'text', (c) => c.notNull())
    .addColumn('last_observed_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('epss_score', 'double precision')
    .addColumn('fix_available', 'text', (c) => c.notNull())
    .addColumn('exploit_available', 'text', (c) => c.notNull())
    .addColumn('vigil_score', 'double precision')
    .addColumn('score_adjustments', 'text', (c) => c.notNull())
    .addColumn('finding', 'text', (c) => c.notNull())
    .addCheckConstraint('findings_type', oneOf('type', ['PACKAGE_VULNERABILITY', 'NETWORK_REACHABILITY', 'CODE_VULNERABILITY']))
    .addCheckConstraint('findings_resource_type', oneOf('resource_type', ['HOST', 'CONTAINER_IMAGE', 'FUNCTION']))
    .addCheckConstraint('findings_status', sql`(status in ('ACTIVE', 'SUPPRESSED') and closed_at is null) or (status = 'CLOSED' and closed_at is not null)`)
    .execute();
  await db.schema
    .createIndex('findings_identity')
    .on('findings')
    .columns(['account_id', 'resource_id', 'type', 'vulnerability_id', 'package_ecosystem', 'package_name', 'file_path'])
    .unique()
    .execute();
  // The findings search: by status and severity, by recency, by vulnerability; the reconciler: by resource.
  await db.schema.createIndex('findings_status_severity').on('findings').columns(['account_id', 'status', 'severity']).execute();
  await db.schema.createIndex('findings_updated').on('findings').columns(['account_id', 'updated_at']).execute();
  await db.schema.createIndex('findings_vulnerability').on('findings').columns(['account_id', 'vulnerability_id']).execute();
  await db.schema.createIndex('findings_resource').on('findings').columns(['resource_id']).execute();

  await db.schema
    .createTable('filters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('filters_action', oneOf('action', ['NONE', 'SUPPRESS']))
    .execute();
  await db.schema.createIndex('filters_account').on('filters').columns(['account_id', 'id']).execute();

  // The outbox. Its sequence is the one column the two databases spell differently.
  await db.schema
    .createTable('events')
    .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_account').on('events').columns(['account_id', 'seq']).execute();
}

export const initial = { up } satisfies StoreMigration;
