/**
 * @module Finding search, aggregation and retention in the database: the finding fields the
 * criteria read that lived only inside the `finding` JSON become columns, a resource's tags
 * become rows of their own, and each sort of the search gets an index that delivers its order.
 *
 * The one difference between the databases: on PostgreSQL the findings' text columns, the
 * resource's id and repository and the tag rows are given the "C" collation, so that `<`, `>=`,
 * ORDER BY and the prefix ranges compare bytes, as SQLite's default BINARY collation does, and
 * not by the locale the database was created with (and so that joins between them can use
 * their indexes, which serve one collation only).
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

  await db.schema
    .createTable('resource_tags')
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_tags_pk', ['resource_id', 'key'])
    .execute();
  // resourceTags criteria: the resources holding a key (with a value).
  await db.schema.createIndex('resource_tags_key_value').on('resource_tags').columns(['key', 'value']).execute();

  if (dialect === 'postgres') {
    await sql`alter table findings ${sql.join(
      FINDING_TEXT_COLUMNS.map((column) => sql`alter column ${sql.ref(column)} type text collate "C"`),
      sql`, `,
    )}`.execute(db);
    // The columns findings are joined on, in the same collation: an index serves a join only in its own.
    await sql`alter table resources alter column id type text collate "C", alter column repository type text collate "C"`.execute(db);
    await sql`alter table resource_tags alter column resource_id type text collate "C", alter column key type text collate "C", alter column value type text collate "C"`.execute(db);
  }

  // One index per sort, led by the account: a page is a walk down the index from the cursor.
  // Behind the sort key, the columns the common criteria test (the default status, severity,
  // resource type, fix, exploit, and the resource for its tags), so that both databases reject
  // a non-matching finding from the index entry without reading its row: a page of a rare
  // combination still reads about one row per finding shown.
  // findings_status_severity goes: it tempts SQLite's planner into fetching every finding of
  // one status and severity and sorting them, where walking the sort's index stops after a page.
  await db.schema.dropIndex('findings_vulnerability').execute();
  await db.schema.dropIndex('findings_status_severity').execute();
  const covered = ['status', 'severity', 'resource_type', 'fix_available', 'exploit_available', 'resource_id'];
  const sorts: [string, string][] = [
    ['findings_sort_severity', 'severity_rank'],
    ['findings_sort_vigil_score', 'vigil_score'],
    ['findings_sort_epss_score', 'epss_score'],
    ['findings_sort_first_observed', 'first_observed_at'],
    ['findings_sort_last_observed', 'last_observed_at'],
    // Also the vulnerabilityId criteria (EQUALS, and PREFIX as a range).
    ['findings_sort_vulnerability', 'vulnerability_id'],
  ];
  for (const [name, column] of sorts) await db.schema.createIndex(name).on('findings').columns(['account_id', column, 'id', ...covered]).execute();
  // vulnerablePackages.name, as spelled (EQUALS, and PREFIX as a range): rare enough to start from.
  await db.schema.createIndex('findings_package_name').on('findings').columns(['account_id', 'package_raw_name']).execute();
  // /metrics counts by status and severity: a narrow covering index, led by the severity's rank
  // (no criterion reads it) so that no planner starts a search from one status.
  await db.schema.createIndex('findings_counts').on('findings').columns(['account_id', 'severity_rank', 'status']).execute();
  // Retention: closed findings by their closing time.
  await db.schema.createIndex('findings_closed').on('findings').columns(['closed_at']).execute();

  await backfillFindings(db);
  await backfillResources(db);
}

export const findingSearch = { up } satisfies StoreMigration;
