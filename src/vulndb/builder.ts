/**
 * @module Builds a new vulnerability database beside the live one and swaps it in by rename, so a
 * reader sees the old file or the new one, never half of either; a crash leaves the old intact.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Advisory, AffectedPackage, CveRecord, EpssScore, KevEntry } from '../model/advisory.js';
import { packageKey } from '../model/ecosystem.js';
import { cveKey, schemaStatements, VULNDB_SCHEMA_VERSION } from './schema.js';

export type UpsertOutcome = 'added' | 'changed' | 'unchanged';

export interface SourceRecord {
  name: string;
  records: number;
  rejected: number;
  origin?: string;
}

export interface CommitSummary {
  /** The import's sequence number in the `changes` table. */
  importSeq: number;
  /** Every (ecosystem, name) whose advisories were added, changed or withdrawn by this import. */
  changedPackages: Array<{ ecosystem: string; name: string }>;
}

/** An affected entry as the database keeps it: without the ecosystem- and database-specific objects. */
function slimAffected({ ecosystemSpecific: _e, databaseSpecific: _d, ...rest }: AffectedPackage): AffectedPackage {
  return rest;
}

/**
 * The record findings read (without its affected list), the affected list, and the per-package
 * specifics kept beside them (null when none).
 */
function splitRecord(advisory: Advisory): { record: string; affected: string; specifics: string | null } {
  const specifics = advisory.affected.map((a) => ({ ecosystemSpecific: a.ecosystemSpecific, databaseSpecific: a.databaseSpecific }));
  const { affected, ...rest } = advisory;
  const any = specifics.some((s) => s.ecosystemSpecific !== undefined || s.databaseSpecific !== undefined);
  return { record: JSON.stringify(rest), affected: JSON.stringify(affected.map(slimAffected)), specifics: any ? JSON.stringify(specifics) : null };
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/**
 * The (ecosystem, normalised name) pairs a live advisory affects, each with the advisory's
 * affected entries for it in the record's order (what matching evaluates), as JSON.
 */
function affectedRows(advisory: Advisory): Array<{ key: [string, string]; entries: string }> {
  if (advisory.withdrawn) return [];
  const rows = new Map<string, { key: [string, string]; entries: AffectedPackage[] }>();
  for (const affected of advisory.affected) {
    const id = packageKey(affected.ecosystem, affected.name);
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { key: id.split('\u0000') as [string, string], entries: [] }));
    row.entries.push(slimAffected(affected));
  }
  return [...rows.values()].map((row) => ({ key: row.key, entries: JSON.stringify(row.entries) }));
}

export class VulnDbBuilder {
  private readonly changed = new Map<string, [string, string]>();
  private finished = false;
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    private readonly livePath: string,
    private readonly buildPath: string,
  ) {
    this.statements = {
      getAdvisory: db.prepare<[string], { digest: string }>('SELECT digest FROM advisories WHERE id = ?'),
      putAdvisory: db.prepare(
        'INSERT OR REPLACE INTO advisories (id, modified, withdrawn, source, digest, record, affected, specifics) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      affectedOf: db.prepare<[string], { ecosystem: string; name: string }>('SELECT ecosystem, name FROM affected WHERE advisory_id = ?'),
      deleteAffected: db.prepare('DELETE FROM affected WHERE advisory_id = ?'),
      putAffected: db.prepare('INSERT OR IGNORE INTO affected (ecosystem, name, advisory_id, entries) VALUES (?, ?, ?, ?)'),
      deleteAliases: db.prepare('DELETE FROM aliases WHERE advisory_id = ?'),
      putAlias: db.prepare('INSERT OR IGNORE INTO aliases (alias, advisory_id) VALUES (?, ?)'),
      getCve: db.prepare<[string], { record: string }>('SELECT record FROM cves WHERE id = ?'),
      putCve: db.prepare('INSERT OR REPLACE INTO cves (id, modified, record) VALUES (?, ?, ?)'),
      getKev: db.prepare<[string], { record: string }>('SELECT record FROM kev WHERE cve_id = ?'),
      putKev: db.prepare('INSERT OR REPLACE INTO kev (cve_id, record) VALUES (?, ?)'),
      putEpss: db.prepare('INSERT OR REPLACE INTO epss (cve_key, score, percentile) VALUES (?, ?, ?)'),
      advisoriesWithAlias: db.prepare<[string, string], { advisory_id: string }>(
        'SELECT advisory_id FROM aliases WHERE alias = ? UNION SELECT id FROM advisories WHERE id = ?',
      ),
      putSource: db.prepare('INSERT OR REPLACE INTO sources (name, imported_at, records, rejected, origin) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  /**
   * Starts a build from a copy of the live database (so a re-import rewrites only what changed),
   * or from nothing when there is none or it has another schema version.
   */
  static open(livePath: string): VulnDbBuilder {
    mkdirSync(dirname(livePath), { recursive: true });
    const buildPath = `${livePath}.building-${process.pid}`;
    rmSync(buildPath, { force: true });
    if (existsSync(livePath) && liveSchemaVersion(livePath) === VULNDB_SCHEMA_VERSION) copyFileSync(livePath, buildPath);
    const db = new Database(buildPath);
    // The build file is private until renamed: a crash only loses the build, so no journal.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    for (const statement of schemaStatements) db.exec(statement);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(VULNDB_SCHEMA_VERSION));
    // Who this database is: kept by every later import (they start from a copy), new when a build
    // starts from nothing. The service compares it to tell "the same database, newer imports"
    // (re-evaluate what changed since the import it applied) from "another database entirely".
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('database_id', randomUUID());
    db.exec('BEGIN');
    return new VulnDbBuilder(db, livePath, buildPath);
  }

  private markChanged(keys: Iterable<[string, string]>): void {
    for (const key of keys) this.changed.set(key.join('\u0000'), key);
  }

  upsertAdvisory(advisory: Advisory): UpsertOutcome {
    const { record, affected, specifics } = splitRecord(advisory);
    // Where a record was read from is not part of what it says: the same record from another
    // copy of a feed is unchanged.
    const { origin: _origin, ...content } = advisory;
    const digest = digestOf(JSON.stringify(content));
    const existing = this.statements.getAdvisory.get(advisory.id);
    if (existing?.digest === digest) return 'unchanged';
    const before = this.statements.affectedOf.all(advisory.id).map((row) => [row.ecosystem, row.name] as [string, string]);
    const after = affectedRows(advisory);
    this.statements.putAdvisory.run(advisory.id, advisory.modified, advisory.withdrawn ?? null, advisory.source, digest, record, affected, specifics);
    this.statements.deleteAffected.run(advisory.id);
    for (const { key, entries } of after) this.statements.putAffected.run(key[0], key[1], advisory.id, entries);
    this.statements.deleteAliases.run(advisory.id);
    for (const alias of advisory.aliases) if (alias !== advisory.id) this.statements.putAlias.run(alias, advisory.id);
    this.markChanged(before);
    this.markChanged(after.map((row) => row.key));
    return existing ? 'changed' : 'added';
  }

  upsertCve(cve: CveRecord): UpsertOutcome {
    const record = JSON.stringify(cve);
    const existing = this.statements.getCve.get(cve.id);
    if (existing?.record === record) return 'unchanged';
    this.statements.putCve.run(cve.id, cve.lastModified ?? null, record);
    // A new score or description changes how findings read, so their packages are re-evaluated.
    this.markAliasedPackages(cve.id);
    return existing ? 'changed' : 'added';
  }

  /** KEV is a whole catalog: entries it no longer lists are removed. */
  replaceKev(entries: readonly KevEntry[]): { added: number; changed: number; removed: number } {
    const counts = { added: 0, changed: 0, removed: 0 };
    const listed = new Set(entries.map((entry) => entry.cveId));
    for (const { cve_id } of this.db.prepare<[], { cve_id: string }>('SELECT cve_id FROM kev').all()) {
      if (listed.has(cve_id)) continue;
      this.db.prepare('DELETE FROM kev WHERE cve_id = ?').run(cve_id);
      this.markAliasedPackages(cve_id);
      counts.removed++;
    }
    for (const entry of entries) {
      const record = JSON.stringify(entry);
      const existing = this.statements.getKev.get(entry.cveId);
      if (existing?.record === record) continue;
      this.statements.putKev.run(entry.cveId, record);
      this.markAliasedPackages(entry.cveId);
      counts[existing ? 'changed' : 'added']++;
    }
    return counts;
  }

  /**
   * EPSS scores change daily for most CVEs; they are context on a finding, not a reason to
   * re-evaluate which packages are affected, so they mark nothing as changed.
   */
  putEpss(score: EpssScore): void {
    const key = cveKey(score.cveId);
    if (key !== undefined) this.statements.putEpss.run(key, score.score, score.percentile);
  }

  /** Sets a `meta` entry, written with the rest on commit (what an update remembers for the next). */
  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  recordSource(source: SourceRecord): void {
    this.statements.putSource.run(source.name, new Date().toISOString(), source.records, source.rejected, source.origin ?? null);
  }

  private markAliasedPackages(cveId: string): void {
    for (const { advisory_id } of this.statements.advisoriesWithAlias.all(cveId, cveId)) {
      this.markChanged(this.statements.affectedOf.all(advisory_id).map((row) => [row.ecosystem, row.name] as [string, string]));
    }
  }

  /** Writes the change log, makes the file durable, and renames it over the live database. */
  commit(): CommitSummary {
    if (this.finished) throw new Error('this vulnerability database build is already finished');
    const last = this.db.prepare<[], { seq: number | null }>('SELECT MAX(import_seq) AS seq FROM changes').get();
    const importSeq = (last?.seq ?? 0) + 1;
    const putChange = this.db.prepare('INSERT OR IGNORE INTO changes (import_seq, ecosystem, name) VALUES (?, ?, ?)');
    for (const [ecosystem, name] of this.changed.values()) putChange.run(importSeq, ecosystem, name);
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('built_at', new Date().toISOString());
    this.db.exec('COMMIT');
    this.db.close();
    this.finished = true;
    const fd = openSync(this.buildPath, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.buildPath, this.livePath);
    return {
      importSeq,
      changedPackages: [...this.changed.values()].map(([ecosystem, name]) => ({ ecosystem, name })),
    };
  }

  /** Drops the build; the live database is untouched. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    try {
      this.db.close();
    } finally {
      rmSync(this.buildPath, { force: true });
    }
  }
}

function liveSchemaVersion(path: string): number | undefined {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
      return row ? Number(row.value) : undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}
