/**
 * @module Reads the vulnerability database: advisories by (ecosystem, package) and by any id or
 * alias, with NVD, KEV and EPSS context. Opened read-only; a concurrent import swaps in a new
 * file by rename and never disturbs an open reader.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Advisory, CveRecord, EpssScore, KevEntry } from '../model/advisory.js';
import { normalizePackageName } from '../model/ecosystem.js';
import { VigilError } from '../errors.js';
import { cveKey, VULNDB_SCHEMA_VERSION } from './schema.js';

export interface VulnDbStatus {
  path: string;
  schemaVersion: number;
  builtAt?: string;
  sources: Array<{ name: string; importedAt: string; records: number; rejected: number; origin?: string }>;
  advisories: number;
  withdrawn: number;
  /** Live advisories per ecosystem as written ("Debian:12", "Go", …). */
  byEcosystem: Record<string, number>;
  cves: number;
  kev: number;
  epss: number;
}

export class VulnDbReader {
  private readonly cache = new Map<string, Advisory>();
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.statements = {
      byPackage: db.prepare<[string, string], { advisory_id: string }>('SELECT advisory_id FROM affected WHERE ecosystem = ? AND name = ?'),
      byPackageAnyRelease: db.prepare<[string, string, string], { advisory_id: string; ecosystem: string }>(
        "SELECT advisory_id, ecosystem FROM affected WHERE (ecosystem = ? OR ecosystem LIKE ? ESCAPE '\\') AND name = ?",
      ),
      advisory: db.prepare<[string], { record: string }>('SELECT record FROM advisories WHERE id = ?'),
      byAlias: db.prepare<[string], { advisory_id: string }>('SELECT advisory_id FROM aliases WHERE alias = ? ORDER BY advisory_id'),
      cve: db.prepare<[string], { record: string }>('SELECT record FROM cves WHERE id = ?'),
      kev: db.prepare<[string], { record: string }>('SELECT record FROM kev WHERE cve_id = ?'),
      epss: db.prepare<[number], { score: number; percentile: number }>('SELECT score, percentile FROM epss WHERE cve_key = ?'),
      changesSince: db.prepare<[number], { import_seq: number; ecosystem: string; name: string }>(
        'SELECT import_seq, ecosystem, name FROM changes WHERE import_seq > ? ORDER BY import_seq',
      ),
    };
  }

  static open(path: string): VulnDbReader {
    if (!existsSync(path)) {
      throw new VigilError('VULNDB_MISSING', `no vulnerability database at ${path}: run "vigil db import PATH..." or "vigil db update" first`);
    }
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      const version = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").get();
      if (Number(version?.value) !== VULNDB_SCHEMA_VERSION) {
        db.close();
        throw new VigilError('VULNDB_INVALID', `${path} is a vulnerability database of another version: import again to rebuild it`);
      }
    } catch (error) {
      if (error instanceof VigilError) throw error;
      throw new VigilError('VULNDB_INVALID', `${path} is not a Vigil vulnerability database`);
    }
    return new VulnDbReader(db, path);
  }

  private parse(id: string): Advisory | undefined {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = this.statements.advisory.get(id);
    if (!row) return undefined;
    const advisory = JSON.parse(row.record) as Advisory;
    this.cache.set(id, advisory);
    return advisory;
  }

  /** Live advisories naming this package in exactly this ecosystem ("Debian:12", "npm"). */
  advisoriesFor(ecosystem: string, name: string): Advisory[] {
    return this.statements.byPackage
      .all(ecosystem, normalizePackageName(ecosystem, name))
      .map((row) => this.parse(row.advisory_id))
      .filter((a): a is Advisory => a !== undefined);
  }

  /**
   * Live advisories naming this package in a base ecosystem with any release suffix ("Rocky
   * Linux" and "Rocky Linux:9"), with the ecosystem each names it under.
   */
  advisoriesForAnyRelease(base: string, name: string): Array<{ ecosystem: string; advisory: Advisory }> {
    const like = `${base.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`;
    return this.statements.byPackageAnyRelease
      .all(base, like, normalizePackageName(base, name))
      .flatMap((row) => {
        const advisory = this.parse(row.advisory_id);
        return advisory ? [{ ecosystem: row.ecosystem, advisory }] : [];
      });
  }

  advisory(id: string): Advisory | undefined {
    return this.parse(id);
  }

  /** Every advisory an id names: itself, and every advisory that lists it as an alias. */
  resolve(id: string): Advisory[] {
    const ids = new Set<string>();
    if (this.statements.advisory.get(id)) ids.add(id);
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
    return {
      path: this.path,
      schemaVersion: Number(meta.get('schema_version')),
      ...(builtAt ? { builtAt } : {}),
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
