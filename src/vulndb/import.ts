/**
 * @module `vigil db import`: local feeds, recognised by content, into a new database file that
 * replaces the live one by rename only once every source has been read.
 */
import { resolve } from 'node:path';
import { VigilError } from '../errors.js';
import { detectFeed } from '../feeds/detect.js';
import { VulnDbBuilder } from './builder.js';
import { importEpss } from './import-epss.js';
import { importKev } from './import-kev.js';
import { importNvd } from './import-nvd.js';
import { importOsv } from './import-osv.js';
import type { FeedName, ImportReport, SourceReport } from './import-report.js';

type Importer = (path: string, builder: VulnDbBuilder, onRecord?: () => void) => Promise<SourceReport>;

const importers: Record<FeedName, Importer> = { osv: importOsv, nvd: importNvd, kev: importKev, epss: importEpss };

export interface ImportOptions {
  /** Called for every record read, for progress. */
  onRecord?: (feed: FeedName, path: string) => void;
  /** `meta` entries written with the import, only if it succeeds (an update's bookmark). */
  meta?: Readonly<Record<string, string>>;
}

export async function importFeeds(paths: readonly string[], database: string, options: ImportOptions = {}): Promise<ImportReport> {
  const started = Date.now();
  // Recognise every source before touching the database, so a typo fails fast and costs nothing.
  const plan: Array<{ path: string; feed: FeedName }> = [];
  for (const path of paths) {
    const feed = await detectFeed(path);
    if (!feed) {
      throw new VigilError(
        'FEED_UNRECOGNISED',
        `${path} is not a feed Vigil reads: OSV records (JSON, YAML, a folder or a zip), NVD CVE API 2.0 JSON, the CISA KEV catalog or an EPSS CSV`,
      );
    }
    plan.push({ path: resolve(path), feed });
  }
  const builder = VulnDbBuilder.open(database);
  try {
    const sources: SourceReport[] = [];
    for (const { path, feed } of plan) {
      sources.push(await importers[feed](path, builder, options.onRecord ? () => options.onRecord!(feed, path) : undefined));
    }
    for (const [key, value] of Object.entries(options.meta ?? {})) builder.setMeta(key, value);
    const summary = builder.commit();
    return { database, sources, importSeq: summary.importSeq, changedPackages: summary.changedPackages.length, durationMs: Date.now() - started };
  } catch (error) {
    builder.abort();
    throw error;
  }
}
