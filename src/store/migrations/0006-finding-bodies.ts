/**
 * @module Findings' bodies move to a table of their own, and each row gets its body's digest and
 * the ids of the rules that suppress it. A push updates lastObservedAt of every finding it sees:
 * with the body (a few kilobytes of JSON) in the row, each such update rewrote a page of its own;
 * without it, a row is a few hundred bytes. And a push compares bodies by digest, reading none.
 * The suppression rules were not kept before: a SUPPRESSED finding from before this migration has
 * an empty list, which the service reads as "not known" and works out from the body once.
 */
import { sql, type Kysely } from 'kysely';
import { bodyDigest } from '../../findings/body-digest.js';
import type { DialectName, StoreMigration } from './migration.js';

const BACKFILL_BATCH = 500;

async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('finding_bodies')
    // Byte order on PostgreSQL, as findings.id has (0003-finding-search).
    .addColumn('finding_id', dialect === 'postgres' ? sql`text collate "C"` : 'text', (c) => c.primaryKey().references('findings.id').onDelete('cascade').onUpdate('cascade'))
    .addColumn('finding', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into finding_bodies (finding_id, finding) select id, finding from findings`.execute(db);
  await db.schema.alterTable('findings').dropColumn('finding').execute();
  await db.schema.alterTable('findings').addColumn('body_digest', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('findings').addColumn('suppressed_by', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await backfillDigests(db, dialect);
}

/** One statement per batch on PostgreSQL (a round trip per row would take minutes for a large store); a statement per row in-process on SQLite. */
async function backfillDigests(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  let after = '';
  for (;;) {
    const { rows } = await sql<{ finding_id: string; finding: string }>`select finding_id, finding from finding_bodies where finding_id > ${after} order by finding_id limit ${BACKFILL_BATCH}`.execute(db);
    if (rows.length === 0) return;
    const ids = rows.map((row) => row.finding_id);
    const digests = rows.map((row) => bodyDigest(row.finding));
    if (dialect === 'postgres') {
      await sql`update findings set body_digest = d.digest from unnest(${ids}::text[], ${digests}::text[]) as d(id, digest) where findings.id = d.id`.execute(db);
    } else {
      for (const [i, id] of ids.entries()) await sql`update findings set body_digest = ${digests[i]} where id = ${id}`.execute(db);
    }
    after = ids.at(-1)!;
  }
}

export const findingBodies = { up } satisfies StoreMigration;
