/**
 * @module Which vulnerability database a reader reads, and how far its imports go: the database's
 * id (kept by every import that starts from a copy of it, new when a build starts from nothing)
 * and the sequence number of its last import. Re-evaluation compares these with the ones it last
 * applied: the same id and a higher sequence means "re-evaluate what changed since", anything
 * else "re-evaluate everything".
 */
import Database from 'better-sqlite3';
import type { VulnDbReader } from '../vulndb/reader.js';

export interface VulnDbIdentity {
  /** The database's id; null for a file built before databases had one (every such file counts as another database). */
  databaseId: string | null;
  /** The sequence number of the database's last import (0 when it has none). */
  importSeq: number;
}

/** Identities of the readers a VulnDbHandle opened, read from the very file each reader has open. */
const known = new WeakMap<VulnDbReader, VulnDbIdentity>();

export function rememberIdentity(reader: VulnDbReader, identity: VulnDbIdentity): void {
  known.set(reader, identity);
}

/** Reads the identity of the database file at `path` (one short read-only connection). */
export function readVulnDbIdentity(path: string): VulnDbIdentity {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const id = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'database_id'").get();
    const seq = db.prepare<[], { seq: number | null }>('SELECT MAX(import_seq) AS seq FROM changes').get();
    return { databaseId: id?.value ?? null, importSeq: seq?.seq ?? 0 };
  } finally {
    db.close();
  }
}

/**
 * The identity of the database a reader reads. A reader from a VulnDbHandle has it from when it
 * was opened; any other is read from its path now (right unless its file was swapped meanwhile,
 * which only a handle follows).
 */
export function vulnDbIdentityOf(reader: VulnDbReader): VulnDbIdentity {
  let identity = known.get(reader);
  if (!identity) {
    identity = readVulnDbIdentity(reader.path);
    known.set(reader, identity);
  }
  return identity;
}
