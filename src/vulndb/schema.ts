/**
 * @module The vulnerability database's tables: advisories in OSV form, indexed by the
 * (ecosystem, package) pairs they affect and by every alias, with NVD, KEV and EPSS beside them.
 */

/** Bumped when the tables change; an older file is rebuilt, never misread. */
export const VULNDB_SCHEMA_VERSION = 3;

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
  // Findings read `record` for every advisory that applies to a package; its `affected` list
  // (what matching evaluates, kept per package in `affected` below) lives apart in `affected`,
  // and the bulky, rarely needed ecosystem_specific / database_specific objects (Go's symbol
  // lists) in `specifics`, so neither is read or parsed for a finding.
  // A rowid table: records are a few kilobytes, and WITHOUT ROWID stores large rows poorly.
  `CREATE TABLE IF NOT EXISTS advisories (
     id TEXT NOT NULL UNIQUE,
     modified TEXT NOT NULL,
     withdrawn TEXT,
     source TEXT NOT NULL,
     digest TEXT NOT NULL,
     record TEXT NOT NULL,
     affected TEXT NOT NULL,
     specifics TEXT
   )`,
  // What each live (not withdrawn) advisory affects, by ecosystem as written and normalised name,
  // with the advisory's affected entries for that package (ranges, versions, severity) as JSON:
  // matching evaluates these and reads the whole record only of the advisories that apply.
  `CREATE TABLE IF NOT EXISTS affected (
     ecosystem TEXT NOT NULL,
     name TEXT NOT NULL,
     advisory_id TEXT NOT NULL,
     entries TEXT NOT NULL,
     PRIMARY KEY (ecosystem, name, advisory_id)
   ) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS affected_by_advisory ON affected (advisory_id)`,
  `CREATE TABLE IF NOT EXISTS aliases (alias TEXT NOT NULL, advisory_id TEXT NOT NULL, PRIMARY KEY (alias, advisory_id)) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS aliases_by_advisory ON aliases (advisory_id)`,
  `CREATE TABLE IF NOT EXISTS cves (id TEXT PRIMARY KEY, modified TEXT, record TEXT NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS kev (cve_id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID`,
  // 360,000 rows: keyed by the CVE as one integer (year × 10^8 + number), which packs four times
  // tighter than the text id.
  `CREATE TABLE IF NOT EXISTS epss (cve_key INTEGER PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL)`,
  // Every (ecosystem, package) whose advisories changed, by import: what the service re-evaluates.
  `CREATE TABLE IF NOT EXISTS changes (
     import_seq INTEGER NOT NULL,
     ecosystem TEXT NOT NULL,
     name TEXT NOT NULL,
     PRIMARY KEY (import_seq, ecosystem, name)
   ) WITHOUT ROWID`,
];

/** The `meta` entry that remembers from when the next NVD update asks for changed CVEs (an ISO time). */
export const NVD_UPDATED_AT = 'nvd_updated_at';

/** "CVE-2023-44487" → 202300044487 (the EPSS table's key); undefined for anything else. */
export function cveKey(cveId: string): number | undefined {
  const match = /^CVE-(\d{4})-(\d{4,8})$/.exec(cveId);
  return match ? Number(match[1]) * 100_000_000 + Number(match[2]) : undefined;
}
