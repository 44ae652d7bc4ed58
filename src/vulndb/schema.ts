/**
 * @module The vulnerability database's tables: advisories in OSV form, indexed by the
 * (ecosystem, package) pairs they affect and by every alias, with NVD, KEV and EPSS beside them.
 */

/** Bumped when the tables change; an older file is rebuilt, never misread. */
export const VULNDB_SCHEMA_VERSION = 1;

export const schemaStatements: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS sources (
     name TEXT PRIMARY KEY,
     imported_at TEXT NOT NULL,
     records INTEGER NOT NULL,
     rejected INTEGER NOT NULL,
     origin TEXT
   ) WITHOUT ROWID`,
  // One row per advisory: the normalised record as compact JSON, and a digest to see changes.
  `CREATE TABLE IF NOT EXISTS advisories (
     id TEXT PRIMARY KEY,
     modified TEXT NOT NULL,
     withdrawn TEXT,
     source TEXT NOT NULL,
     digest TEXT NOT NULL,
     record TEXT NOT NULL
   ) WITHOUT ROWID`,
  // What each live (not withdrawn) advisory affects, by ecosystem as written and normalised name.
  `CREATE TABLE IF NOT EXISTS affected (
     ecosystem TEXT NOT NULL,
     name TEXT NOT NULL,
     advisory_id TEXT NOT NULL,
     PRIMARY KEY (ecosystem, name, advisory_id)
   ) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS affected_by_advisory ON affected (advisory_id)`,
  `CREATE TABLE IF NOT EXISTS aliases (alias TEXT NOT NULL, advisory_id TEXT NOT NULL, PRIMARY KEY (alias, advisory_id)) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS aliases_by_advisory ON aliases (advisory_id)`,
  `CREATE TABLE IF NOT EXISTS cves (id TEXT PRIMARY KEY, modified TEXT, record TEXT NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS kev (cve_id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS epss (cve_id TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL) WITHOUT ROWID`,
  // Every (ecosystem, package) whose advisories changed, by import: what the service re-evaluates.
  `CREATE TABLE IF NOT EXISTS changes (
     import_seq INTEGER NOT NULL,
     ecosystem TEXT NOT NULL,
     name TEXT NOT NULL,
     PRIMARY KEY (import_seq, ecosystem, name)
   ) WITHOUT ROWID`,
];
