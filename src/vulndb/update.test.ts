/**
 * `vigil db update --source nvd` against saved NVD API pages served from 127.0.0.1: the first run
 * fetches every CVE, later runs only what changed since the last successful one (in windows of at
 * most 120 days, page by page), and an interrupted run continues without asking again.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureAdvisories } from '../../test/harness/vulndb.js';
import { importFeeds } from './import.js';
import { VulnDbReader } from './reader.js';
import { updateFeeds } from './update.js';
import { NVD_UPDATED_AT } from './update-nvd.js';

const pages = fileURLToPath(new URL('../../test/fixtures/feeds/nvd/updates/', import.meta.url));
const page = (name: string) => readFileSync(join(pages, name), 'utf8');

interface Asked {
  startIndex: number;
  lastModStartDate: string | null;
  lastModEndDate: string | null;
}

describe('vigil db update --source nvd', () => {
  let work: string;
  let database: string;
  let server: Server;
  let mirror: string;
  const asked: Asked[] = [];
  let failNextWindowTwo = false;
  const previousHome = process.env.VIGIL_HOME;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'vigil-nvd-update-'));
    process.env.VIGIL_HOME = join(work, 'home');
    database = join(work, 'vulndb.sqlite');
    writeFileSync(join(work, 'advisories.json'), JSON.stringify(fixtureAdvisories()));
    await importFeeds([join(work, 'advisories.json')], database);

    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/nvd/cves/2.0' || url.searchParams.get('resultsPerPage') !== '2000') {
        response.writeHead(404).end();
        return;
      }
      const query: Asked = {
        startIndex: Number(url.searchParams.get('startIndex')),
        lastModStartDate: url.searchParams.get('lastModStartDate'),
        lastModEndDate: url.searchParams.get('lastModEndDate'),
      };
      asked.push(query);
      const name = !query.lastModStartDate
        ? 'full-page-0.json'
        : query.lastModStartDate.startsWith('2026-10-01')
          ? 'changes-2026-10-page-0.json'
          : query.lastModStartDate.startsWith('2026-11-01')
            ? `changes-2027-window-1-page-${query.startIndex}.json`
            : 'changes-2027-window-2-page-0.json';
      if (name.includes('window-2') && failNextWindowTwo) {
        failNextWindowTwo = false;
        response.writeHead(503).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(page(name));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    mirror = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    if (previousHome === undefined) delete process.env.VIGIL_HOME;
    else process.env.VIGIL_HOME = previousHome;
    rmSync(work, { recursive: true, force: true });
  });

  const update = (now: string) => updateFeeds(database, { sources: ['nvd'], mirror, now: () => new Date(now) });
  const withReader = <T>(read: (reader: VulnDbReader) => T): T => {
    const reader = VulnDbReader.open(database);
    try {
      return read(reader);
    } finally {
      reader.close();
    }
  };

  it('fetches every CVE the first time, and remembers the server time of the answer', async () => {
    const report = await update('2026-10-01T06:00:02.000Z');
    expect(asked).toEqual([{ startIndex: 0, lastModStartDate: null, lastModEndDate: null }]);
    expect(report.sources.map((s) => [s.feed, s.accepted, s.added])).toEqual([['nvd', 3, 3]]);
    withReader((reader) => {
      expect(reader.meta(NVD_UPDATED_AT)).toBe('2026-10-01T06:00:00.000Z');
      expect(reader.status().nvdUpdatedAt).toBe('2026-10-01T06:00:00.000Z');
      expect(reader.cve('CVE-2023-5363')).toMatchObject({ status: 'Awaiting Analysis', cvss: [] });
      expect(reader.cve('CVE-2021-44228')?.cvss[0]).toMatchObject({ baseScore: 10 });
    });
  });

  it('then asks only for what changed since, and applies it as updates the service can follow', async () => {
    asked.length = 0;
    const report = await update('2026-11-01T00:00:00.000Z');
    expect(asked).toEqual([{ startIndex: 0, lastModStartDate: '2026-10-01T06:00:00.000+00:00', lastModEndDate: '2026-11-01T00:00:00.000+00:00' }]);
    expect(report.sources.map((s) => [s.feed, s.accepted, s.added, s.changed])).toEqual([['nvd', 2, 1, 1]]);
    withReader((reader) => {
      // The end of the span asked, which is before the server's own time of the answer.
      expect(reader.meta(NVD_UPDATED_AT)).toBe('2026-11-01T00:00:00.000Z');
      expect(reader.cve('CVE-2023-5363')).toMatchObject({ status: 'Analyzed', cvss: [expect.objectContaining({ baseScore: 7.5, version: '3.1' })] });
      expect(reader.cve('CVE-2023-39325')?.cvss[0]).toMatchObject({ baseScore: 7.5 });
      // Untouched by this run: still there, unchanged.
      expect(reader.cve('CVE-2024-22195')?.cvss[0]).toMatchObject({ baseScore: 6.1 });
      // Exactly the packages whose findings read these CVEs are re-evaluated.
      const changed = reader.changesSince(report.importSeq - 1).map((c) => `${c.ecosystem} ${c.name}`);
      expect(changed.sort()).toEqual(['Alpine:v3.18 openssl', 'Debian:12 openssl', 'Go golang.org/x/net', 'Go stdlib']);
    });
  });

  it('splits a long absence into windows of at most 120 days, pages through each, and continues an interrupted run', async () => {
    asked.length = 0;
    failNextWindowTwo = true;
    await expect(update('2027-06-01T00:00:00.000Z')).rejects.toMatchObject({ code: 'NETWORK_UNAVAILABLE' });
    // Nothing was imported, so nothing is remembered: the next run asks the same.
    expect(withReader((reader) => reader.meta(NVD_UPDATED_AT))).toBe('2026-11-01T00:00:00.000Z');
    // Rerun later: the windows of the interrupted run are kept, and its fetched pages not asked again.
    const report = await update('2027-06-02T12:00:00.000Z');
    const window1 = { lastModStartDate: '2026-11-01T00:00:00.000+00:00', lastModEndDate: '2027-03-01T00:00:00.000+00:00' };
    const window2 = { lastModStartDate: '2027-03-01T00:00:00.000+00:00', lastModEndDate: '2027-06-01T00:00:00.000+00:00' };
    expect(asked).toEqual([
      { startIndex: 0, ...window1 },
      { startIndex: 2000, ...window1 },
      { startIndex: 0, ...window2 },
      { startIndex: 0, ...window2 },
    ]);
    // The empty window is asked but has nothing to import.
    expect(report.sources.map((s) => [s.path.split('/').pop(), s.accepted, s.added])).toEqual([
      ['changes-000-page-0000000.json', 1, 1],
      ['changes-000-page-0002000.json', 1, 1],
    ]);
    withReader((reader) => {
      expect(reader.meta(NVD_UPDATED_AT)).toBe('2027-06-01T00:00:00.000Z');
      expect(reader.cve('CVE-2023-44487')?.description).toMatch(/^Fixture text: The HTTP\/2 protocol/);
      const changed = reader.changesSince(report.importSeq - 1).map((c) => `${c.ecosystem} ${c.name}`);
      expect(changed.sort()).toEqual(['npm lodash', 'npm lodash-es']);
    });
  });
});
