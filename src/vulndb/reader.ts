/**
 * @module Reads the vulnerability database: advisories by (ecosystem, package) and by any id or
 * alias, with NVD, KEV and EPSS context. Opened read-only; a concurrent import swaps in a new
 * file by rename and never disturbs an open reader.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Advisory, AffectedPackage, CveRecord, EpssScore, KevEntry } from '../model/advisory.js';
import { normalizePackageName } from '../model/ecosystem.js';
import { VigilError } from '../errors.js';
import { LruCache, PathCache } from './lru-cache.js';
import { cveKey, NVD_UPDATED_AT, VULNDB_SCHEMA_VERSION } from './schema.js';

export interface VulnDbStatus {
  path: string;
  schemaVersion: number;
  builtAt?: string;
  /** From when the next `vigil db update` asks NVD for changed CVEs (set by the last successful NVD update). */
  nvdUpdatedAt?: string;
  sources: Array<{ name: string; importedAt: string; records: number; rejected: number; origin?: string }>;
  advisories: number;
  withdrawn: number;
  /** Live advisories per ecosystem as written ("Debian:12", "Go", …). */
  byEcosystem: Record<string, number>;
  cves: number;
  kev: number;
  epss: number;
}

/** An advisory that names a package, with its affected entries for it: what matching evaluates. */
export interface AffectedCandidate {
  advisoryId: string;
  /** The ecosystem the advisory names the package under ("Debian:12", "Red Hat:…"). */
  ecosystem: string;
  /** The advisory's affected entries for this package, in the record's order. */
  entries: readonly AffectedPackage[];
}

/**
 * An advisory without its `affected` list: what a finding reads of the advisories that apply
 * (matching has each package's entries already).
 */
export type AdvisoryRecord = Omit<Advisory, 'affected'>;

/** NVD, KEV and EPSS context of one CVE, each when the database has it. */
export interface CveContext {
  cve?: CveRecord;
  kev?: KevEntry;
  epss?: EpssScore;
}

/**
 * How much an open reader remembers. Parsed records are kept by id, so a service scanning
 * thousands of inventories on one reader reads and parses each only once while it stays in use.
 */
const CACHE_LIMITS = { packages: 100_000, advisories: 20_000, cves: 50_000 };

/** Ids, names and CVE keys are sent to SQLite this many at a time, as one JSON array. */
const BATCH = 2_000;

function* batches<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += BATCH) yield items.slice(i, i + BATCH);
}

/** The candidates of a package no advisory names (shared: never added to). */
const noCandidates: readonly AffectedCandidate[] = Object.freeze([]);

const byAdvisoryThenEcosystem = (a: AffectedCandidate, b: AffectedCandidate) =>
  a.advisoryId < b.advisoryId ? -1 : a.advisoryId > b.advisoryId ? 1 : a.ecosystem < b.ecosystem ? -1 : a.ecosystem > b.ecosystem ? 1 : 0;

/**
 * Candidates ordered by advisory id, then ecosystem. One package's rows come in the table's key
 * order, which is that order but for non-ASCII ids (SQLite compares UTF-8 bytes, JavaScript
 * UTF-16 units): a list already in order is only checked.
 */
function inAdvisoryOrder<T extends AffectedCandidate[]>(list: T): T {
  for (let i = 1; i < list.length; i++) if (byAdvisoryThenEcosystem(list[i - 1]!, list[i]!) > 0) return list.sort(byAdvisoryThenEcosystem);
  return list;
}

/**
 * An advisory from its row. Its `affected` list is parsed on first use: findings read the rest of
 * the record, and matching has each package's entries already, so most never need it.
 */
function advisoryOf(row: { record: string; affected: string }): Advisory {
  const advisory = JSON.parse(row.record) as Omit<Advisory, 'affected'>;
  const json = row.affected;
  let affected: AffectedPackage[] | undefined;
  return Object.defineProperty(advisory, 'affected', {
    enumerable: true,
    configurable: true,
    get: () => (affected ??= JSON.parse(json) as AffectedPackage[]),
    set: (value: AffectedPackage[]) => {
      affected = value;
    },
  }) as Advisory;
}

export class VulnDbReader {
  /** [ecosystem, normalised name] → candidates (an empty list remembers "none"). */
  private readonly packages = new PathCache<readonly AffectedCandidate[]>(CACHE_LIMITS.packages);
  private readonly advisories = new LruCache<string, Advisory | null>(CACHE_LIMITS.advisories);
  private readonly records = new LruCache<string, AdvisoryRecord | null>(CACHE_LIMITS.advisories);
  private readonly cves = new LruCache<string, CveContext>(CACHE_LIMITS.cves);
  private ecosystemList: readonly string[] | undefined;
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    /** Whether looked-up packages, records and CVE context are kept for later lookups. */
    private readonly remember: boolean,
  ) {
    this.statements = {
      byPackage: db.prepare<[string, string], { advisory_id: string; entries: string }>(
        'SELECT advisory_id, entries FROM affected WHERE ecosystem = ? AND name = ?',
      ),
      // One row per package named: its advisory ids as a JSON array, and their entries lists as
      // one JSON array of them, in the same order (both aggregates read the same rows).
      byPackages: db.prepare<[string, string], { name: string; ids: string; entries: string }>(
        `SELECT name, json_group_array(advisory_id) AS ids, '[' || group_concat(entries, ',') || ']' AS entries
         FROM affected WHERE ecosystem = ? AND name IN (SELECT value FROM json_each(?)) GROUP BY name`,
      ),
      // Every distinct ecosystem, one index seek each rather than a walk over every row.
      ecosystems: db.prepare<[], { ecosystem: string }>(
        `WITH RECURSIVE e(ecosystem) AS (
           SELECT MIN(ecosystem) FROM affected
           UNION ALL SELECT (SELECT MIN(ecosystem) FROM affected WHERE ecosystem > e.ecosystem) FROM e WHERE e.ecosystem IS NOT NULL
         ) SELECT ecosystem FROM e WHERE ecosystem IS NOT NULL`,
      ),
      exists: db.prepare<[string], { id: string }>('SELECT id FROM advisories WHERE id = ?'),
      advisory: db.prepare<[string], { record: string; affected: string }>('SELECT record, affected FROM advisories WHERE id = ?'),
      advisories: db.prepare<[string], { id: string; record: string; affected: string }>(
        'SELECT id, record, affected FROM advisories WHERE id IN (SELECT value FROM json_each(?))',
      ),
      records: db.prepare<[string], { id: string; record: string }>('SELECT id, record FROM advisories WHERE id IN (SELECT value FROM json_each(?))'),
      byAlias: db.prepare<[string], { advisory_id: string }>('SELECT advisory_id FROM aliases WHERE alias = ? ORDER BY advisory_id'),
      cve: db.prepare<[string], { record: string }>('SELECT record FROM cves WHERE id = ?'),
      cves: db.prepare<[string], { id: string; record: string }>('SELECT id, record FROM cves WHERE id IN (SELECT value FROM json_each(?))'),
      kev: db.prepare<[string], { record: string }>('SELECT record FROM kev WHERE cve_id = ?'),
      kevs: db.prepare<[string], { cve_id: string; record: string }>('SELECT cve_id, record FROM kev WHERE cve_id IN (SELECT value FROM json_each(?))'),
      epss: db.prepare<[number], { score: number; percentile: number }>('SELECT score, percentile FROM epss WHERE cve_key = ?'),
      epsses: db.prepare<[string], { cve_key: number; score: number; percentile: number }>(
        'SELECT cve_key, score, percentile FROM epss WHERE cve_key IN (SELECT value FROM json_each(?))',
      ),
      changesSince: db.prepare<[number], { import_seq: number; ecosystem: string; name: string }>(
        'SELECT import_seq, ecosystem, name FROM changes WHERE import_seq > ? ORDER BY import_seq',
      ),
    };
  }

  /**
   * Opens the database read-only. A reader that serves one scan and closes reads each page and
   * looks each package up about once: `cacheKiB` bounds SQLite's page cache, and `remember: false`
   * keeps nothing of what was read, so neither costs memory (nor the time of touching new memory)
   * for nothing. A long-lived reader keeps SQLite's default cache and remembers.
   */
  static open(path: string, options: { cacheKiB?: number; remember?: boolean } = {}): VulnDbReader {
    if (!existsSync(path)) {
      throw new VigilError('VULNDB_MISSING', `no vulnerability database at ${path}: run "vigil db import PATH..." or "vigil db update" first`);
    }
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      if (options.cacheKiB !== undefined) db.pragma(`cache_size = ${-Math.max(64, Math.floor(options.cacheKiB))}`);
      const version = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
      if (Number(version?.value) !== VULNDB_SCHEMA_VERSION) {
        db.close();
        throw new VigilError('VULNDB_INVALID', `${path} is a vulnerability database of another version: import again to rebuild it`);
      }
    } catch (error) {
      if (error instanceof VigilError) throw error;
      throw new VigilError('VULNDB_INVALID', `${path} is not a Vigil vulnerability database`);
    }
    return new VulnDbReader(db, path, options.remember ?? true);
  }

  /**
   * The candidates of many packages of one ecosystem at once, by normalised name (absent names
   * have none). Each list is ordered by advisory id; what is not yet remembered is read in batches.
   */
  candidatesIn(ecosystem: string, names: Iterable<string>): Map<string, readonly AffectedCandidate[]> {
    const found = new Map<string, readonly AffectedCandidate[]>();
    const missing: string[] = [];
    for (const raw of names) {
      const name = normalizePackageName(ecosystem, raw);
      if (found.has(name)) continue;
      const cached = this.remember ? this.packages.get([ecosystem, name]) : undefined;
      if (cached) found.set(name, cached);
      else {
        found.set(name, noCandidates);
        missing.push(name);
      }
    }
    for (const batch of batches(missing)) {
      const read = new Map<string, AffectedCandidate[]>();
      for (const row of this.statements.byPackages.all(ecosystem, JSON.stringify(batch))) {
        const ids = JSON.parse(row.ids) as string[];
        const entries = JSON.parse(row.entries) as AffectedPackage[][];
        const list: AffectedCandidate[] = [];
        for (let i = 0; i < ids.length; i++) list.push({ advisoryId: ids[i]!, ecosystem, entries: entries[i]! });
        read.set(row.name, list);
      }
      for (const name of batch) {
        const rows = read.get(name);
        const list = rows ? inAdvisoryOrder(rows) : noCandidates;
        if (this.remember) this.packages.set([ecosystem, name], list);
        found.set(name, list);
      }
    }
    return found;
  }

  /** The candidates of one package in exactly this ecosystem, ordered by advisory id. */
  candidatesFor(ecosystem: string, name: string): readonly AffectedCandidate[] {
    const key = normalizePackageName(ecosystem, name);
    const cached = this.packages.get([ecosystem, key]);
    if (cached) return cached;
    const list = this.statements.byPackage
      .all(ecosystem, key)
      .map((row) => ({ advisoryId: row.advisory_id, ecosystem, entries: JSON.parse(row.entries) as AffectedPackage[] }))
      .sort(byAdvisoryThenEcosystem);
    this.packages.set([ecosystem, key], list);
    return list;
  }

  /** Every ecosystem the database has advisories in, as written ("Debian:12", "npm"), sorted. */
  ecosystems(): readonly string[] {
    this.ecosystemList ??= this.statements.ecosystems.all().map((row) => row.ecosystem);
    return this.ecosystemList;
  }

  /**
   * The ecosystems of a base: itself and those with a release suffix ("Rocky Linux" and "Rocky
   * Linux:9"). The suffix is matched as SQL's LIKE 'base:%' does, ignoring ASCII case.
   */
  releasesOf(base: string): string[] {
    const prefix = `${base}:`.toLowerCase();
    return this.ecosystems().filter((e) => e === base || (e.length > prefix.length && e.slice(0, prefix.length).toLowerCase() === prefix));
  }

  /** The candidates of one package under every release of a base ecosystem, ordered by advisory id, then ecosystem. */
  candidatesForAnyRelease(base: string, name: string, accept: (ecosystem: string) => boolean = () => true): AffectedCandidate[] {
    return this.releasesOf(base)
      .filter(accept)
      .flatMap((ecosystem) => this.candidatesFor(ecosystem, name))
      .sort(byAdvisoryThenEcosystem);
  }

  private parse(id: string): Advisory | undefined {
    const cached = this.advisories.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.statements.advisory.get(id);
    const advisory = row ? advisoryOf(row) : null;
    this.advisories.set(id, advisory);
    return advisory ?? undefined;
  }

  /** Live advisories naming this package in exactly this ecosystem ("Debian:12", "npm"). */
  advisoriesFor(ecosystem: string, name: string): Advisory[] {
    return this.candidatesFor(ecosystem, name)
      .map((candidate) => this.parse(candidate.advisoryId))
      .filter((a): a is Advisory => a !== undefined);
  }

  /**
   * Live advisories naming this package in a base ecosystem with any release suffix ("Rocky
   * Linux" and "Rocky Linux:9"), with the ecosystem each names it under.
   */
  advisoriesForAnyRelease(base: string, name: string): Array<{ ecosystem: string; advisory: Advisory }> {
    return this.candidatesForAnyRelease(base, name).flatMap((candidate) => {
      const advisory = this.parse(candidate.advisoryId);
      return advisory ? [{ ecosystem: candidate.ecosystem, advisory }] : [];
    });
  }

  advisory(id: string): Advisory | undefined {
    return this.parse(id);
  }

  /** Many advisories by id at once (ids the database does not have are absent from the map). */
  advisoriesById(ids: Iterable<string>): Map<string, Advisory> {
    const found = new Map<string, Advisory>();
    const missing: string[] = [];
    for (const id of ids) {
      if (found.has(id)) continue;
      const cached = this.advisories.get(id);
      if (cached) found.set(id, cached);
      else if (cached === undefined) missing.push(id);
    }
    for (const batch of batches([...new Set(missing)])) {
      for (const row of this.statements.advisories.all(JSON.stringify(batch))) {
        const advisory = advisoryOf(row);
        this.advisories.set(row.id, advisory);
        found.set(row.id, advisory);
      }
      for (const id of batch) if (!found.has(id)) this.advisories.set(id, null);
    }
    return found;
  }

  /**
   * Many advisories by id at once, without their `affected` lists (ids the database does not
   * have are absent from the map): only the record is read and parsed.
   */
  recordsById(ids: Iterable<string>): Map<string, AdvisoryRecord> {
    const found = new Map<string, AdvisoryRecord>();
    const missing = new Set<string>();
    for (const id of ids) {
      if (found.has(id) || missing.has(id)) continue;
      let cached: AdvisoryRecord | null | undefined = this.remember ? this.records.get(id) : undefined;
      if (cached === undefined && this.remember) cached = this.advisories.get(id);
      if (cached) found.set(id, cached);
      else if (cached === undefined) missing.add(id);
    }
    for (const batch of batches([...missing])) {
      for (const row of this.statements.records.all(JSON.stringify(batch))) {
        const record = JSON.parse(row.record) as AdvisoryRecord;
        if (this.remember) this.records.set(row.id, record);
        found.set(row.id, record);
      }
      if (this.remember) for (const id of batch) if (!found.has(id)) this.records.set(id, null);
    }
    return found;
  }

  /** Every advisory an id names: itself, and every advisory that lists it as an alias. */
  resolve(id: string): Advisory[] {
    const ids = new Set<string>();
    if (this.statements.exists.get(id)) ids.add(id);
    for (const row of this.statements.byAlias.all(id)) ids.add(row.advisory_id);
    return [...ids].map((i) => this.parse(i)).filter((a): a is Advisory => a !== undefined);
  }

  cve(id: string): CveRecord | undefined {
    const row = this.statements.cve.get(id);
    return row ? (JSON.parse(row.record) as CveRecord) : undefined;
  }

  kev(cveId: string): KevEntry | undefined {
    const row = this.statements.kev.get(cveId);
    return row ? (JSON.parse(row.record) as KevEntry) : undefined;
  }

  epss(cveId: string): EpssScore | undefined {
    const key = cveKey(cveId);
    const row = key === undefined ? undefined : this.statements.epss.get(key);
    return row ? { cveId, score: row.score, percentile: row.percentile } : undefined;
  }

  /** NVD, KEV and EPSS context of many CVEs at once, read in one query per table and batch. */
  cveContexts(cveIds: Iterable<string>): Map<string, CveContext> {
    const found = new Map<string, CveContext>();
    const missing: string[] = [];
    for (const id of cveIds) {
      if (found.has(id)) continue;
      const cached = this.remember ? this.cves.get(id) : undefined;
      if (cached) found.set(id, cached);
      else {
        found.set(id, {});
        missing.push(id);
      }
    }
    for (const batch of batches(missing)) {
      const json = JSON.stringify(batch);
      for (const row of this.statements.cves.all(json)) found.get(row.id)!.cve = JSON.parse(row.record) as CveRecord;
      for (const row of this.statements.kevs.all(json)) found.get(row.cve_id)!.kev = JSON.parse(row.record) as KevEntry;
      // ("CVE-2021-0001" and "CVE-2021-00001" share a key, as they share a row.)
      const byKey = new Map<number, string[]>();
      for (const id of batch) {
        const key = cveKey(id);
        if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), id]);
      }
      if (byKey.size > 0) {
        for (const row of this.statements.epsses.all(JSON.stringify([...byKey.keys()]))) {
          for (const id of byKey.get(row.cve_key)!) found.get(id)!.epss = { cveId: id, score: row.score, percentile: row.percentile };
        }
      }
      if (this.remember) for (const id of batch) this.cves.set(id, found.get(id)!);
    }
    return found;
  }

  /** A `meta` entry ("built_at", "nvd_updated_at", …), when the database has it. */
  meta(key: string): string | undefined {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value;
  }

  /** (ecosystem, name) pairs whose advisories changed in imports after `importSeq`. */
  changesSince(importSeq: number): Array<{ importSeq: number; ecosystem: string; name: string }> {
    return this.statements.changesSince.all(importSeq).map((row) => ({ importSeq: row.import_seq, ecosystem: row.ecosystem, name: row.name }));
  }

  status(): VulnDbStatus {
    const meta = new Map(this.db.prepare<[], { key: string; value: string }>('SELECT key, value FROM meta').all().map((r) => [r.key, r.value]));
    const count = (sql: string) => this.db.prepare<[], { n: number }>(sql).get()?.n ?? 0;
    const byEcosystem: Record<string, number> = {};
    for (const row of this.db
      .prepare<[], { ecosystem: string; n: number }>('SELECT ecosystem, COUNT(DISTINCT advisory_id) AS n FROM affected GROUP BY ecosystem ORDER BY ecosystem')
      .all()) {
      byEcosystem[row.ecosystem] = row.n;
    }
    const builtAt = meta.get('built_at');
    const nvdUpdatedAt = meta.get(NVD_UPDATED_AT);
    return {
      path: this.path,
      schemaVersion: Number(meta.get('schema_version')),
      ...(builtAt ? { builtAt } : {}),
      ...(nvdUpdatedAt ? { nvdUpdatedAt } : {}),
      sources: this.db
        .prepare<[], { name: string; imported_at: string; records: number; rejected: number; origin: string | null }>(
          'SELECT name, imported_at, records, rejected, origin FROM sources ORDER BY name',
        )
        .all()
        .map((r) => ({ name: r.name, importedAt: r.imported_at, records: r.records, rejected: r.rejected, ...(r.origin ? { origin: r.origin } : {}) })),
      advisories: count('SELECT COUNT(*) AS n FROM advisories WHERE withdrawn IS NULL'),
      withdrawn: count('SELECT COUNT(*) AS n FROM advisories WHERE withdrawn IS NOT NULL'),
      byEcosystem,
      cves: count('SELECT COUNT(*) AS n FROM cves'),
      kev: count('SELECT COUNT(*) AS n FROM kev'),
      epss: count('SELECT COUNT(*) AS n FROM epss'),
    };
  }

  close(): void {
    this.db.close();
  }
}
