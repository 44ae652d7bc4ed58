/**
 * @module Finding search, aggregation and retention in the database: the finding fields the
 * criteria read that lived only inside the `finding` JSON become columns, a resource's tags
 * become rows of their own, and each sort of the search gets an index that delivers its order.
 *
 * The one difference between the databases: on PostgreSQL the findings' text columns (and the
 * resource's repository) are given the "C" collation, so that `<`, `>=`, ORDER BY and the
 * prefix ranges compare bytes, as SQLite's default BINARY collation does, and not by the
 * locale the database was created with.
 */
import { sql, type Kysely } from 'kysely';
import { findingSearchColumns, resourceDetailColumns } from '../rows.js';
import type { DialectName, StoreMigration } from './migration.js';

/** Every text column of findings that a criterion, a sort or a cursor compares. */
const FINDING_TEXT_COLUMNS = [
  'id',
  'account_id',
  'region',
  'resource_id',
  'resource_type',
  'type',
  'vulnerability_id',
  'package_ecosystem',
  'package_name',
  'file_path',
  'status',
  'first_observed_at',
  'last_observed_at',
  'updated_at',
  'closed_at',
  'severity',
  'fix_available',
  'exploit_available',
  'title',
  'package_raw_name',
  'package_version',
  'package_release',
  'package_arch',
  'layer_digest',
] as const;

const BACKFILL_BATCH = 500;

/** Fills the new finding columns of rows written before this migration, from their JSON. */
async function backfillFindings(db: Kysely<unknown>): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; finding: string }>`select id, finding from findings where id > ${after} order by id limit ${BACKFILL_BATCH}`.execute(db);
    if (rows.length === 0) return;
    for (const row of rows) {
      const c = findingSearchColumns(JSON.parse(row.finding));
      await sql`update findings set title = ${c.title}, package_raw_name = ${c.package_raw_name}, package_version = ${c.package_version},
        package_epoch = ${c.package_epoch}, package_release = ${c.package_release}, package_arch = ${c.package_arch},
        layer_digest = ${c.layer_digest}, severity_rank = ${c.severity_rank} where id = ${row.id}`.execute(db);
    }
    after = rows.at(-1)!.id;
  }
}

/** Fills the repository and runtime columns and the tag rows of resources made before this migration. */
async function backfillResources(db: Kysely<unknown>): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; type: string; details: string; tags: string }>`select id, type, details, tags from resources where id > ${after} order by id limit ${BACKFILL_BATCH}`.execute(db);
    if (rows.length === 0) return;
    for (const row of rows) {
      const c = resourceDetailColumns({ type: row.type, details: JSON.parse(row.details) } as Parameters<typeof resourceDetailColumns>[0]);
      await sql`update resources set repository = ${c.repository}, runtime = ${c.runtime} where id = ${row.id}`.execute(db);
      for (const [key, value] of Object.entries(JSON.parse(row.tags) as Record<string, string>)) {
        await sql`insert into resource_tags (resource_id, key, value) values (${row.id}, ${key}, ${value})`.execute(db);
      }
    }
    after = rows.at(-1)!.id;
  }
}

async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  // SQLite adds one column per statement, and a NOT NULL column only with a default.
  const added: [string, 'text' | 'integer', { notNull?: string | number }][] = [
    ['title', 'text', { notNull: '' }],
    // The name as the scan spelled it; package_name holds the identity's normalised form.
    ['package_raw_name', 'text', { notNull: '' }],
    ['package_version', 'text', { notNull: '' }],
    ['package_epoch', 'integer', { notNull: 0 }],
    ['package_release', 'text', {}],
    ['package_arch', 'text', {}],
    ['layer_digest', 'text', {}],
    // SEVERITIES' order (UNTRIAGED 0 … CRITICAL 5): what a SEVERITY sort orders by.
    ['severity_rank', 'integer', { notNull: 0 }],
  ];
  for (const [name, type, { notNull }] of added) {
    await db.schema
      .alterTable('findings')
      .addColumn(name, type, (c) => (notNull === undefined ? c : c.notNull().defaultTo(notNull)))
      .execute();
  }
  await db.schema.alterTable('resources').addColumn('repository', 'text').execute();
  await db.schema.alterTable('resources').addColumn('runtime', 'text').execute();

  if (dialect === 'postgres') {
    await sql`alter table findings ${sql.join(
      FINDING_TEXT_COLUMNS.map((column) => sql`alter column ${sql.ref(column)} type text collate "C"`),
      sql`, `,
    )}`.execute(db);
    await sql`alter table resources alter column repository type text collate "C"`.execute(db);
  }

  await db.schema
    .createTable('resource_tags')
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_tags_pk', ['resource_id', 'key'])
    .execute();
  // resourceTags criteria: the resources holding a key (with a value).
  await db.schema.createIndex('resource_tags_key_value').on('resource_tags').columns(['key', 'value']).execute();

  // One index per sort, led by the account: a page is a walk down the index from the cursor.
  await db.schema.dropIndex('findings_vulnerability').execute();
  const sorts: [string, string][] = [
    ['findings_sort_severity', 'severity_rank'],
    ['findings_sort_vigil_score', 'vigil_score'],
    ['findings_sort_epss_score', 'epss_score'],
    ['findings_sort_first_observed', 'first_observed_at'],
    ['findings_sort_last_observed', 'last_observed_at'],
    // Also the vulnerabilityId criteria (EQUALS, and PREFIX as a range).
    ['findings_sort_vulnerability', 'vulnerability_id'],
  ];
  for (const [name, column] of sorts) await db.schema.createIndex(name).on('findings').columns(['account_id', column, 'id']).execute();
  // Retention: closed findings by their closing time.
  await db.schema.createIndex('findings_closed').on('findings').columns(['closed_at']).execute();

  await backfillFindings(db);
  await backfillResources(db);
}

export const findingSearch = { up } satisfies StoreMigration;
