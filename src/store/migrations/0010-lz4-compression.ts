/**
 * @module On PostgreSQL, the long texts a push writes are compressed with LZ4 rather than the
 * default pglz, where the server supports it: a push stores its whole inventory (about 200 KB of
 * JSON for 1,000 packages), which pglz compressed in 3.5 ms and LZ4 in 1.5 ms, and reading it back
 * (re-evaluation) decompresses faster too. Values already stored keep their compression until
 * rewritten; both read the same. SQLite stores text as it is: nothing to do there.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName, StoreMigration } from './migration.js';

async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'postgres') return;
  // A server built without LZ4 lists only pglz here, and would refuse the change.
  const { rows } = await sql<{ lz4: boolean }>`select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`.execute(db);
  if (rows[0]?.lz4 !== true) return;
  await sql`alter table inventories alter column inventory set compression lz4`.execute(db);
  await sql`alter table finding_bodies alter column finding set compression lz4`.execute(db);
}

export const lz4Compression = { up } satisfies StoreMigration;
