/**
 * @module `vigil db update`: fetches the public feeds — OSV per-ecosystem zips, CISA KEV, EPSS and
 * the NVD API's pages — as resumable downloads under $VIGIL_HOME/downloads, and imports them like
 * `vigil db import` does.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import cliProgress from 'cli-progress';
import { VigilError, describeError } from '../errors.js';
import { vigilHome } from '../home.js';
import { importFeeds } from './import.js';
import type { ImportReport } from './import-report.js';

/** OSV ecosystems fetched by default: the distributions and languages Vigil matches. */
export const defaultOsvEcosystems = [
  'Debian', 'Ubuntu', 'Alpine', 'Rocky Linux', 'AlmaLinux', 'Red Hat', 'SUSE', 'openSUSE', 'Wolfi', 'Chainguard',
  'npm', 'PyPI', 'Go', 'Maven', 'crates.io', 'RubyGems', 'Packagist', 'NuGet',
];

interface UpdateSource {
  name: string;
  /** Where it lives on the public internet, and under a mirror's base URL. */
  url: string;
  mirrorPath: string;
  file: string;
  /** Sources served in pages (the NVD API) fetch themselves; the rest are one download. */
  paged?: true;
}

function osvSource(ecosystem: string): UpdateSource {
  const path = `${encodeURIComponent(ecosystem)}/all.zip`;
  return {
    name: `osv:${ecosystem}`,
    url: `https://osv-vulnerabilities.storage.googleapis.com/${path}`,
    mirrorPath: `osv/${path}`,
    file: `osv-${ecosystem.replace(/[^A-Za-z0-9.-]+/g, '_')}.zip`,
  };
}

export const updateSources: readonly UpdateSource[] = [
  ...defaultOsvEcosystems.map(osvSource),
  {
    name: 'kev',
    url: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json',
    mirrorPath: 'kev/known_exploited_vulnerabilities.json',
    file: 'kev.json',
  },
  { name: 'epss', url: 'https://epss.cyentia.com/epss_scores-current.csv.gz', mirrorPath: 'epss/epss_scores-current.csv.gz', file: 'epss.csv.gz' },
  { name: 'nvd', url: 'https://services.nvd.nist.gov/rest/json/cves/2.0', mirrorPath: 'nvd/cves/2.0', file: 'nvd', paged: true },
];

/** The NVD API's largest page. */
const NVD_PAGE_SIZE = 2000;

/**
 * Fetches every page of the NVD CVE API into FOLDER/page-<start>.json. Pages already fetched by an
 * interrupted run are kept, so a second run continues where the first stopped; a finished run is
 * marked, and the next update starts afresh. The public API asks for a pause between requests
 * (6 s without an API key, NVD_API_KEY; 0.6 s with one); a mirror is asked without pause.
 */
async function downloadNvd(base: string, folder: string, options: { progress: boolean; mirror: boolean }): Promise<string[]> {
  const done = join(folder, 'complete');
  if (existsSync(done)) rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const apiKey = process.env.NVD_API_KEY;
  const pause = options.mirror ? 0 : apiKey ? 600 : 6000;
  const pages: string[] = [];
  let total = Number.POSITIVE_INFINITY;
  let first = true;
  for (let start = 0; start < total; start += NVD_PAGE_SIZE) {
    const page = join(folder, `page-${String(start).padStart(7, '0')}.json`);
    if (!existsSync(page)) {
      if (!first && pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      first = false;
      await download(`${base}?startIndex=${start}&resultsPerPage=${NVD_PAGE_SIZE}`, page, options.progress, apiKey ? { apiKey } : {});
    }
    let totalResults: unknown;
    try {
      totalResults = (JSON.parse(readFileSync(page, 'utf8')) as { totalResults?: unknown }).totalResults;
    } catch {
      rmSync(page, { force: true });
      throw new VigilError('NETWORK_UNAVAILABLE', `the NVD page at ${start} is not JSON; run "vigil db update" again to fetch it anew`);
    }
    if (typeof totalResults !== 'number') throw new VigilError('NETWORK_UNAVAILABLE', `the NVD page at ${start} gives no totalResults`);
    total = totalResults;
    pages.push(page);
  }
  writeFileSync(done, new Date().toISOString());
  return pages;
}

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

/**
 * Downloads to FILE.part and renames to FILE when complete. A .part left by an interrupted run is
 * continued with an HTTP Range request; a server that ignores Range sends it whole again.
 */
async function download(url: string, destination: string, progress: boolean, headers: Record<string, string> = {}): Promise<void> {
  const partial = `${destination}.part`;
  const have = existsSync(partial) ? statSync(partial).size : 0;
  let response: Response;
  try {
    response = await fetch(url, { headers: { ...headers, ...(have > 0 ? { Range: `bytes=${have}-` } : {}) }, redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new VigilError(
      'NETWORK_UNAVAILABLE',
      `cannot reach ${new URL(url).host} (${cause?.code ?? cause?.message ?? describeError(error)}): without network, fetch the feeds elsewhere and run "vigil db import PATH..."`,
    );
  }
  if (response.status === 416 && have > 0) {
    // The part file already holds everything the server has.
    renameSync(partial, destination);
    return;
  }
  if (!response.ok || !response.body) {
    throw new VigilError('NETWORK_UNAVAILABLE', `${url} answered ${response.status} ${response.statusText}`);
  }
  const resumed = response.status === 206;
  const length = Number(response.headers.get('content-length') ?? NaN);
  const total = resumed ? have + length : length;
  let done = resumed ? have : 0;
  const bar =
    progress && Number.isFinite(total)
      ? new cliProgress.SingleBar({ stream: process.stderr, format: `${new URL(url).pathname.split('/').pop()} {bar} {percentage}%`, clearOnComplete: true })
      : undefined;
  bar?.start(total, done);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      bar?.update(done);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), counter, createWriteStream(partial, { flags: resumed ? 'a' : 'w' }));
  } catch (error) {
    throw new VigilError('NETWORK_UNAVAILABLE', `the download of ${url} was cut off (${describeError(error)}); run "vigil db update" again to continue it`);
  } finally {
    bar?.stop();
  }
  if (Number.isFinite(total) && done !== total) {
    throw new VigilError('NETWORK_UNAVAILABLE', `the download of ${url} stopped at ${done} of ${total} bytes; run "vigil db update" again to continue it`);
  }
  renameSync(partial, destination);
}

export interface UpdateOptions {
  sources?: readonly string[];
  mirror?: string;
  progress?: boolean;
}

export async function updateFeeds(database: string, options: UpdateOptions = {}): Promise<ImportReport> {
  const sources = chooseSources(options.sources);
  const downloads = join(vigilHome(), 'downloads');
  mkdirSync(downloads, { recursive: true });
  const files: string[] = [];
  for (const source of sources) {
    const url = options.mirror ? `${options.mirror.replace(/\/+$/, '')}/${source.mirrorPath}` : source.url;
    const destination = join(downloads, source.file);
    if (source.paged) {
      files.push(...(await downloadNvd(url, destination, { progress: options.progress ?? false, mirror: options.mirror !== undefined })));
      continue;
    }
    rmSync(destination, { force: true });
    await download(url, destination, options.progress ?? false);
    files.push(destination);
  }
  const report = await importFeeds(files, database);
  // The downloaded copies are kept for inspection and air-gapped reuse; the stamp says when.
  writeFileSync(join(downloads, 'last-update.json'), JSON.stringify({ at: new Date().toISOString(), sources: sources.map((s) => s.name) }));
  return report;
}
