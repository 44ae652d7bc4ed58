/**
 * @module Reads the header blobs out of rpm's SQLite database, `rpmdb.sqlite` (rpm 4.16 and later:
 * RHEL 9 and its rebuilds, Fedora 33+, Amazon Linux 2023): table Packages(hnum, blob).
 *
 * The database is opened from a private in-memory copy of its bytes, not from its path. rpm keeps
 * the file in WAL mode, and SQLite opens a WAL database, even read-only, by creating `-wal` and
 * `-shm` files beside it: in a scanned root filesystem that would write into the target (and fail on
 * a read-only mount). The copy has its header switched to rollback-journal mode, which changes
 * nothing about its content. A WAL file that rpm left un-checkpointed (rpm checkpoints on close)
 * is not seen.
 * @see https://github.com/rpm-software-management/rpm/blob/master/lib/backend/sqlite.c
 */
import Database from 'better-sqlite3';
import type { BlobsResult } from './read-result.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export function isSqlite(bytes: Uint8Array): boolean {
  return bytes.length >= SQLITE_MAGIC.length && SQLITE_MAGIC.equals(bytes.subarray(0, SQLITE_MAGIC.length));
}

/** Every blob of the Packages table in hnum order; non-blob rows go to `skip`. */
export function readSqliteBlobs(bytes: Uint8Array, skip: (reason: string) => void): BlobsResult {
  if (!isSqlite(bytes)) return { ok: false, reason: 'no SQLite magic' };
  const image = Buffer.from(bytes);
  // Bytes 18 and 19 are the file format write/read versions: 2 means WAL, 1 rollback journal.
  // The in-memory copy cannot have a WAL, and SQLite refuses to open it while they say 2.
  if (image.length >= 20) {
    if (image[18] === 2) image[18] = 1;
    if (image[19] === 2) image[19] = 1;
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(image, { readonly: true, fileMustExist: true });
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Packages'").get();
    if (!table) return { ok: false, reason: 'SQLite database has no Packages table' };
    const blobs: Uint8Array[] = [];
    const rows = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').raw().iterate() as IterableIterator<[unknown, unknown]>;
    for (const [hnum, blob] of rows) {
      if (blob instanceof Uint8Array) blobs.push(blob);
      else skip(`Packages row ${String(hnum)} holds ${blob === null ? 'NULL' : typeof blob}, not a header blob`);
    }
    return { ok: true, blobs };
  } catch (error) {
    return { ok: false, reason: `SQLite could not read it: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    db?.close();
  }
}
