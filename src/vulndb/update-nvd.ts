/**
 * @module Fetching the NVD CVE API 2.0 for `vigil db update`: every CVE the first time, then only
 * the CVEs modified since the last successful update (asked by `lastModStartDate` /
 * `lastModEndDate` in windows of at most 120 days), page by page. Pages are kept as they arrive,
 * so an interrupted run continues where it stopped.
 * @see https://nvd.nist.gov/developers/vulnerabilities
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../errors.js';
import { NVD_PAGE_SIZE, nvdChangeWindows, nvdPageUrl, parseNvdTimestamp, type NvdWindow } from '../feeds/nvd/changes.js';
import { download } from './download.js';

export { NVD_UPDATED_AT } from './schema.js';

export interface NvdFetchOptions {
  /** Ask only for CVEs modified since this time; every CVE when absent. */
  since?: Date;
  /** The clock (tests set it). */
  now?: () => Date;
  progress: boolean;
  /** A mirror is asked without the public API's pause between requests. */
  mirror: boolean;
}

export interface NvdFetchResult {
  /** The pages that list at least one CVE, in the order to import them. */
  pages: string[];
  /**
   * From when the next update must ask: the earliest of the server's own times of this run's
   * answers and the end of the span asked, so nothing modified while the run went on is missed.
   */
  updatedAt: Date;
}

/** What a run asks, kept beside its pages: a rerun with the same `since` continues it. */
interface NvdRunPlan {
  since: string | null;
  until: string;
}

function readPlan(folder: string): NvdRunPlan | undefined {
  try {
    const plan = JSON.parse(readFileSync(join(folder, 'plan.json'), 'utf8')) as Partial<NvdRunPlan>;
    return typeof plan.until === 'string' && (plan.since === null || typeof plan.since === 'string') ? { since: plan.since, until: plan.until } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fetches into FOLDER: `page-<start>.json` for a full run, `changes-<window>-page-<start>.json`
 * for a run asking what changed. A finished run is marked, and the next starts afresh; an
 * unfinished one asking from the same `since` is continued (its windows and pages kept). The
 * public API asks for a pause between requests (6 s without an API key, NVD_API_KEY; 0.6 s with).
 */
export async function downloadNvd(base: string, folder: string, options: NvdFetchOptions): Promise<NvdFetchResult> {
  const now = options.now ?? (() => new Date());
  const since = options.since?.toISOString() ?? null;
  let plan = readPlan(folder);
  if (existsSync(join(folder, 'complete')) || plan?.since !== since) {
    rmSync(folder, { recursive: true, force: true });
    plan = undefined;
  }
  mkdirSync(folder, { recursive: true });
  if (!plan) {
    plan = { since, until: now().toISOString() };
    writeFileSync(join(folder, 'plan.json'), JSON.stringify(plan));
  }
  const until = new Date(plan.until);
  const windows: Array<NvdWindow | undefined> = plan.since === null ? [undefined] : nvdChangeWindows(new Date(plan.since), until);

  const apiKey = process.env.NVD_API_KEY;
  const pause = options.mirror ? 0 : apiKey ? 600 : 6000;
  const pages: string[] = [];
  let earliest = plan.since === null ? Number.POSITIVE_INFINITY : until.getTime();
  let first = true;
  for (const [index, window] of windows.entries()) {
    const prefix = window ? `changes-${String(index).padStart(3, '0')}-` : '';
    let total = Number.POSITIVE_INFINITY;
    for (let start = 0; start < total; start += NVD_PAGE_SIZE) {
      const page = join(folder, `${prefix}page-${String(start).padStart(7, '0')}.json`);
      const where = `the NVD page at ${start}${window ? ` of the changes from ${window.start.toISOString()} to ${window.end.toISOString()}` : ''}`;
      if (!existsSync(page)) {
        if (!first && pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        first = false;
        await download(nvdPageUrl(base, start, window), page, options.progress, apiKey ? { apiKey } : {});
      }
      let answer: { totalResults?: unknown; timestamp?: unknown; vulnerabilities?: unknown };
      try {
        answer = JSON.parse(readFileSync(page, 'utf8')) as typeof answer;
      } catch {
        rmSync(page, { force: true });
        throw new VigilError('NETWORK_UNAVAILABLE', `${where} is not JSON; run "vigil db update" again to fetch it anew`);
      }
      if (typeof answer.totalResults !== 'number') {
        rmSync(page, { force: true });
        throw new VigilError('NETWORK_UNAVAILABLE', `${where} gives no totalResults; run "vigil db update" again to fetch it anew`);
      }
      total = answer.totalResults;
      const served = parseNvdTimestamp(answer.timestamp);
      if (served) earliest = Math.min(earliest, served.getTime());
      if (Array.isArray(answer.vulnerabilities) && answer.vulnerabilities.length > 0) pages.push(page);
    }
  }
  writeFileSync(join(folder, 'complete'), new Date().toISOString());
  // Without a server time (a mirror that leaves it out), the time the run was planned.
  return { pages, updatedAt: new Date(Number.isFinite(earliest) ? earliest : until.getTime()) };
}
