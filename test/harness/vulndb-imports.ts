/**
 * Vulnerability databases that change over time, as `vigil db import` changes them: each import
 * starts from a copy of the live file (so the change log numbers it after the last), or from
 * nothing for "another database entirely", and is renamed over the live file. Plus small OSV
 * record and inventory builders for re-evaluation tests.
 */
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOsvRecord } from '../../src/feeds/osv/parse.js';
import type { CveRecord, EpssScore, KevEntry } from '../../src/model/advisory.js';
import type { Distro } from '../../src/model/distro.js';
import type { Inventory } from '../../src/model/inventory.js';
import type { Package } from '../../src/model/package.js';
import { buildPurl } from '../../src/model/purl.js';
import { VulnDbBuilder, type CommitSummary } from '../../src/vulndb/builder.js';

export interface ImportContent {
  /** OSV records (JSON), added or replacing the record of the same id. */
  advisories?: unknown[];
  cves?: CveRecord[];
  /** The whole KEV catalog (entries it does not list are removed). */
  kev?: KevEntry[];
  epss?: EpssScore[];
}

/**
 * One import into the database at `path`, renamed over it. `fresh`: start from nothing (a new
 * database id) instead of a copy of the live file.
 */
export function importInto(path: string, content: ImportContent, options: { fresh?: boolean } = {}): CommitSummary {
  if (options.fresh) rmSync(path, { force: true });
  const builder = VulnDbBuilder.open(path);
  try {
    for (const record of content.advisories ?? []) {
      const parsed = parseOsvRecord(record, 'test');
      if (!parsed.ok) throw new Error(`record rejected: ${parsed.rejection.id}: ${parsed.rejection.reason}`);
      builder.upsertAdvisory(parsed.advisory);
    }
    for (const cve of content.cves ?? []) builder.upsertCve(cve);
    if (content.kev) builder.replaceKev(content.kev);
    for (const score of content.epss ?? []) builder.putEpss(score);
    return builder.commit();
  } catch (error) {
    builder.abort();
    throw error;
  }
}

/**
 * "Another database entirely", made beside `path` and renamed over it (the swap a fresh
 * `vigil db import` into another folder, then moved in, makes).
 */
export function replaceWithFreshDatabase(path: string, content: ImportContent): CommitSummary {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-vulndb-fresh-'));
  try {
    const built = join(dir, 'vulndb.sqlite');
    const summary = importInto(built, content);
    // The temporary folder may be on another file system: copy beside `path`, then rename.
    copyFileSync(built, `${path}.incoming`);
    renameSync(`${path}.incoming`, path);
    return summary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A temporary folder for a database file, removed by `dispose`. */
export function vulnDbFolder(): { path: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-vulndb-swap-'));
  return { path: join(dir, 'vulndb.sqlite'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface OsvAffected {
  ecosystem: string;
  name: string;
  /** Introduced at 0; fixed here, or never fixed when absent. */
  fixed?: string;
  introduced?: string;
}

/** A small OSV record. */
export function osv(
  id: string,
  affected: OsvAffected[],
  extra: { aliases?: string[]; cvss?: string; summary?: string; withdrawn?: string; modified?: string } = {},
): Record<string, unknown> {
  return {
    id,
    modified: extra.modified ?? '2025-01-01T00:00:00Z',
    ...(extra.withdrawn ? { withdrawn: extra.withdrawn } : {}),
    aliases: extra.aliases ?? [],
    summary: extra.summary ?? `${id} in ${affected.map((a) => a.name).join(', ')}`,
    ...(extra.cvss ? { severity: [{ type: 'CVSS_V3', score: extra.cvss }] } : {}),
    affected: affected.map((a) => ({
      package: { ecosystem: a.ecosystem, name: a.name },
      ranges: [
        {
          type: a.ecosystem === 'npm' || a.ecosystem === 'Go' ? 'SEMVER' : 'ECOSYSTEM',
          events: [{ introduced: a.introduced ?? '0' }, ...(a.fixed ? [{ fixed: a.fixed }] : [])],
        },
      ],
    })),
  };
}

export const debian12: Distro = {
  id: 'debian',
  versionId: '12',
  codename: 'bookworm',
  idLike: [],
  name: 'Debian GNU/Linux',
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
  source: '/etc/os-release',
};

export function npmPackage(name: string, version: string, path = '/app/package-lock.json'): Package {
  return { type: 'npm', ecosystem: 'npm', name, version, purl: buildPurl({ type: 'npm', name, version }), locations: [{ path }], foundBy: 'npm-lock' };
}

export function pypiPackage(name: string, version: string, path = '/app/requirements.txt'): Package {
  return { type: 'pypi', ecosystem: 'PyPI', name, version, purl: buildPurl({ type: 'pypi', name, version }), locations: [{ path }], foundBy: 'python-requirements' };
}

export function debPackage(name: string, version: string, sourceName = name): Package {
  return {
    type: 'deb',
    name,
    version,
    purl: buildPurl({ type: 'deb', namespace: 'debian', name, version, qualifiers: { arch: 'amd64', distro: 'debian-12' } }),
    arch: 'amd64',
    source: { name: sourceName, version },
    locations: [{ path: '/var/lib/dpkg/status' }],
    foundBy: 'dpkg',
  };
}

export function inventoryOf(packages: Package[], options: { createdAt?: string; distro?: Distro } = {}): Inventory {
  return {
    target: { kind: 'directory', name: 'app', path: '/app' },
    ...(options.distro ? { distro: options.distro } : {}),
    packages,
    warnings: [],
    catalogers: [{ name: 'test', version: 1 }],
    createdAt: options.createdAt ?? '2026-03-01T10:00:00.000Z',
    tool: { name: 'vigil', version: 'test' },
  };
}
