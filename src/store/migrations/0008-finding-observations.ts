/**
 * @module When each finding was last observed moves to a narrow table of its own. A push moves
 * lastObservedAt of every finding it sees (about 1,500 on a typical host), and the column was in a
 * sort index of `findings`: PostgreSQL could then not update those rows in place (no HOT update)
 * and wrote a new version of each into all fifteen indexes of `findings` — 130 ms of a push for
 * 1,550 findings, against 15 ms for the same update of this table's two indexes. SQLite rewrote
 * each findings row and its sort index entries the same way, only cheaper.
 *
 * The lastObservedAt sort's index moves here with the column, and so it keeps what the other sort
 * indexes hold behind the sort key (0003-finding-search): the columns the common criteria test,
 * copied from the finding's row and written with it, so that a page of a rare combination is
 * still found in the index without a join per finding passed over.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName, StoreMigration } from './migration.js';

const COVERED = ['status', 'severity', 'resource_type', 'fix_available', 'exploit_available', 'resource_id'] as const;

async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  // Byte order on PostgreSQL, as findings' text columns have (0003-finding-search): the join, the
  // sort and the criteria compare bytes.
  const text = dialect === 'postgres' ? sql`text collate "C"` : 'text';
  await db.schema
    .createTable('finding_observations')
    .addColumn('finding_id', text, (c) => c.primaryKey().references('findings.id').onDelete('cascade').onUpdate('cascade'))
    .addColumn('account_id', text, (c) => c.notNull())
    .addColumn('last_observed_at', text, (c) => c.notNull())
    .$call((table) => COVERED.reduce((t, column) => t.addColumn(column, text, (c) => c.notNull()), table))
    // SQLite: rows kept in the primary key's b-tree, not in a rowid table beside a second index of the key.
    .$call((table) => (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
  const copied = ['account_id', 'last_observed_at', ...COVERED];
  await sql`insert into finding_observations (finding_id, ${sql.join(copied.map((c) => sql.ref(c)))}) select id, ${sql.join(copied.map((c) => sql.ref(c)))} from findings`.execute(db);
  await db.schema
    .createIndex('finding_observations_sort')
    .on('finding_observations')
    .columns(['account_id', 'last_observed_at', 'finding_id', ...COVERED])
    .execute();
  await db.schema.dropIndex('findings_sort_last_observed').execute();
  await db.schema.alterTable('findings').dropColumn('last_observed_at').execute();
  // Statistics now rather than at autovacuum's next pass: searches are planned from the first one.
  // (SQLite's are gathered by `PRAGMA optimize` when the store opens.)
  if (dialect === 'postgres') await sql`analyze finding_observations`.execute(db);
}

export const findingObservations = { up } satisfies StoreMigration;
