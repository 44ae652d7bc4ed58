import { describe, expect, it } from 'vitest';
import { formatNvdDate, NVD_MAX_WINDOW_DAYS, nvdChangeWindows, nvdPageUrl, parseNvdTimestamp } from './changes.js';

const day = 86_400_000;
const at = (iso: string) => new Date(iso);

describe('nvdChangeWindows', () => {
  it('covers the span in consecutive windows of at most 120 days', () => {
    const since = at('2026-01-01T06:30:00.000Z');
    const until = at('2027-06-01T00:00:00.000Z');
    const windows = nvdChangeWindows(since, until);
    expect(windows).toHaveLength(5);
    expect(windows[0]!.start).toEqual(since);
    expect(windows.at(-1)!.end).toEqual(until);
    for (const [i, window] of windows.entries()) {
      expect(window.end.getTime() - window.start.getTime()).toBeLessThanOrEqual(NVD_MAX_WINDOW_DAYS * day);
      expect(window.end.getTime()).toBeGreaterThan(window.start.getTime());
      if (i > 0) expect(window.start).toEqual(windows[i - 1]!.end);
    }
  });

  it.each([
    ['one day', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', 1],
    ['exactly 120 days', '2026-11-01T00:00:00Z', '2027-03-01T00:00:00Z', 1],
    ['120 days and a millisecond', '2026-11-01T00:00:00Z', '2027-03-01T00:00:00.001Z', 2],
    ['212 days', '2026-11-01T00:00:00Z', '2027-06-01T00:00:00Z', 2],
  ])('%s', (_name, since, until, count) => {
    expect(nvdChangeWindows(at(since), at(until))).toHaveLength(count);
  });

  it('still asks once when there is no span (or the clock went back)', () => {
    const t = at('2026-10-01T00:00:00Z');
    expect(nvdChangeWindows(t, t)).toEqual([{ start: t, end: t }]);
    expect(nvdChangeWindows(t, at('2026-09-01T00:00:00Z'))).toEqual([{ start: t, end: t }]);
  });
});

describe('NVD request addresses and times', () => {
  it('writes dates in the extended ISO-8601 form with the offset, encoded', () => {
    expect(formatNvdDate(at('2024-04-01T13:00:00Z'))).toBe('2024-04-01T13:00:00.000+00:00');
    expect(nvdPageUrl('https://services.nvd.nist.gov/rest/json/cves/2.0', 0)).toBe(
      'https://services.nvd.nist.gov/rest/json/cves/2.0?startIndex=0&resultsPerPage=2000',
    );
    expect(nvdPageUrl('http://mirror/nvd/cves/2.0', 4000, { start: at('2024-04-01T13:00:00Z'), end: at('2024-04-22T13:36:00Z') })).toBe(
      'http://mirror/nvd/cves/2.0?lastModStartDate=2024-04-01T13%3A00%3A00.000%2B00%3A00&lastModEndDate=2024-04-22T13%3A36%3A00.000%2B00%3A00&startIndex=4000&resultsPerPage=2000',
    );
  });

  it.each([
    ['2024-06-01T00:00:00.000', '2024-06-01T00:00:00.000Z'],
    ['2024-06-01T00:00:00.000Z', '2024-06-01T00:00:00.000Z'],
    ['2024-06-01T02:00:00.000+02:00', '2024-06-01T00:00:00.000Z'],
  ])('reads the server time %s as UTC', (value, expected) => {
    expect(parseNvdTimestamp(value)?.toISOString()).toBe(expected);
  });

  it.each([[undefined], [''], ['yesterday'], [1717200000000], ['2024-13-45T99:00:00']])('gives undefined for %j', (value) => {
    expect(parseNvdTimestamp(value)).toBeUndefined();
  });
});
