/**
 * @module Asking the NVD CVE API 2.0 for what changed: the CVEs last modified in a time span, asked
 * in windows of at most 120 days (the API's limit for a date range) and pages of `resultsPerPage`.
 * @see https://nvd.nist.gov/developers/vulnerabilities
 */

/** The API's longest date range, in days. */
export const NVD_MAX_WINDOW_DAYS = 120;

/** The API's largest page. */
export const NVD_PAGE_SIZE = 2000;

const DAY_MS = 86_400_000;

export interface NvdWindow {
  start: Date;
  end: Date;
}

/**
 * Consecutive windows of at most `maxDays` days from `since` to `until`, each starting where the
 * previous one ends (the API's bounds are inclusive, so a CVE modified exactly at a seam is asked
 * twice, never missed). An empty span gives one window, so the question is still asked.
 */
export function nvdChangeWindows(since: Date, until: Date, maxDays = NVD_MAX_WINDOW_DAYS): NvdWindow[] {
  if (!(since.getTime() <= until.getTime())) return [{ start: since, end: since }];
  const step = maxDays * DAY_MS;
  const windows: NvdWindow[] = [];
  for (let start = since.getTime(); ; start += step) {
    const end = Math.min(start + step, until.getTime());
    windows.push({ start: new Date(start), end: new Date(end) });
    if (end >= until.getTime()) return windows;
  }
}

/** The API's extended ISO-8601 form, in UTC with the offset written out: 2024-04-01T13:00:00.000+00:00. */
export function formatNvdDate(date: Date): string {
  return date.toISOString().replace(/Z$/, '+00:00');
}

/** One page's address: every CVE (no window), or those last modified within a window. */
export function nvdPageUrl(base: string, startIndex: number, window?: NvdWindow, pageSize = NVD_PAGE_SIZE): string {
  const range = window
    ? `lastModStartDate=${encodeURIComponent(formatNvdDate(window.start))}&lastModEndDate=${encodeURIComponent(formatNvdDate(window.end))}&`
    : '';
  return `${base}?${range}startIndex=${startIndex}&resultsPerPage=${pageSize}`;
}

/**
 * A page's `timestamp` (the server's time of the answer, UTC, written without an offset:
 * "2024-06-01T00:00:00.000") as a Date; undefined when absent or unreadable.
 */
export function parseNvdTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const text = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
