/**
 * @module `vigil db update`: fetches the public feeds — OSV per-ecosystem zips, CISA KEV, EPSS and
 * the NVD API's pages (after the first run, only the CVEs changed since the last successful one) —
 * as resumable downloads under $VIGIL_HOME/downloads, and imports them like `vigil db import` does.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../errors.js';
import { vigilHome } from '../home.js';
import { download } from './download.js';
import { importFeeds } from './import.js';
import type { ImportReport } from './import-report.js';
import { VulnDbReader } from './reader.js';
import { NVD_UPDATED_AT } from './schema.js';
import { downloadNvd } from './update-nvd.js';
import { updateSources, type UpdateSource } from './update-sources.js';

export { defaultOsvEcosystems, updateSources, type UpdateSource } from './update-sources.js';

function chooseSources(names: readonly string[] | undefined): UpdateSource[] {
  if (!names || names.length === 0) return [...updateSources];
  const chosen = new Set<UpdateSource>();
  for (const name of names) {
    // "osv" names every OSV ecosystem; "osv:npm" one of them.
    const matches = updateSources.filter((s) => s.name === name || (name === 'osv' && s.name.startsWith('osv:')));
    if (matches.length === 0) {
      throw new VigilError('INVALID_ARGUMENT', `unknown source "${name}": use osv, ${updateSources.map((s) => s.name).join(', ')}`);
    }
    for (const match of matches) chosen.add(match);
  }
  return [...chosen];
}

export interface UpdateOptions {
  sources?: readonly string[];
  mirror?: string;
  progress?: boolean;
  /** The clock (tests set it). */
  now?: () => Date;
}

/**
 * From when the live database's NVD data is current: the time its last successful NVD update
 * remembered, or undefined (no database, one of another version, or NVD never updated into it),
 * when every CVE must be fetched.
 */
function nvdUpdatedAt(database: string): Date | undefined {
  if (!existsSync(database)) return undefined;
  let reader: VulnDbReader;
  try {
    reader = VulnDbReader.open(database);
  } catch {
    return undefined;
  }
  try {
    const value = reader.meta(NVD_UPDATED_AT);
    const date = value ? new Date(value) : undefined;
    return date && !Number.isNaN(date.getTime()) ? date : undefined;
  } finally {
    reader.close();
  }
}

export async function updateFeeds(database: string, options: UpdateOptions = {}): Promise<ImportReport> {
  const sources = chooseSources(options.sources);
  const downloads = join(vigilHome(), 'downloads');
  mkdirSync(downloads, { recursive: true });
  const files: string[] = [];
  const meta: Record<string, string> = {};
  for (const source of sources) {
    const url = options.mirror ? `${options.mirror.replace(/\/+$/, '')}/${source.mirrorPath}` : source.url;
    const destination = join(downloads, source.file);
    if (source.paged) {
      const since = nvdUpdatedAt(database);
      const fetched = await downloadNvd(url, destination, {
        ...(since ? { since } : {}),
        ...(options.now ? { now: options.now } : {}),
        progress: options.progress ?? false,
        mirror: options.mirror !== undefined,
      });
      files.push(...fetched.pages);
      // Remembered only if the import succeeds: a failed one asks the same again next time.
      meta[NVD_UPDATED_AT] = fetched.updatedAt.toISOString();
      continue;
    }
    rmSync(destination, { force: true });
    await download(url, destination, options.progress ?? false);
    files.push(destination);
  }
  const report = await importFeeds(files, database, { meta });
  // The downloaded copies are kept for inspection and air-gapped reuse; the stamp says when.
  writeFileSync(join(downloads, 'last-update.json'), JSON.stringify({ at: new Date().toISOString(), sources: sources.map((s) => s.name) }));
  return report;
}
