import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeVulnerability } from './describe.js';
import { importFeeds } from './import.js';
import { VulnDbReader } from './reader.js';

const data = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const goDir = `${data}golang-vulndb/data/osv`;
const kev = `${data}cisa-kev/known_exploited_vulnerabilities.json`;
const epss = `${data}epss/epss_scores.csv.gz`;
const haveData = existsSync(goDir) && existsSync(kev) && existsSync(epss);
if (!haveData) console.warn(`vulndb import tests skipped: ${data} is absent`);

describe.skipIf(!haveData)('importing the real Go vulnerability database, KEV and EPSS', () => {
  let work: string;
  let database: string;
  let first: Awaited<ReturnType<typeof importFeeds>>;
  const goRecords = haveData ? readdirSync(goDir).filter((f) => f.endsWith('.json')).length : 0;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'vigil-import-test-'));
    database = join(work, 'vulndb.sqlite');
    first = await importFeeds([goDir, kev, epss], database);
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('imports every source, counting and listing what it rejects', () => {
    const [osv, kevReport, epssReport] = first.sources;
    expect(osv).toMatchObject({ feed: 'osv', added: osv!.accepted, changed: 0 });
    expect(osv!.accepted + osv!.rejected.length).toBe(goRecords);
    for (const rejection of osv!.rejected) expect(rejection.reason).not.toBe('');
    expect(kevReport).toMatchObject({ feed: 'kev', accepted: 1404, added: 1404 });
    expect(epssReport).toMatchObject({ feed: 'epss', accepted: 360_142 });
    const reader = VulnDbReader.open(database);
    try {
      const status = reader.status();
      expect(status.advisories + status.withdrawn).toBe(osv!.accepted);
      expect(status.kev).toBe(1404);
      expect(status.epss).toBe(360_142);
      expect(Object.keys(status.byEcosystem)).toEqual(['Go']);
      expect(status.sources.map((s) => s.name)).toEqual(['epss', 'kev', 'osv']);
    } finally {
      reader.close();
    }
  });

  it('resolves any id through aliases to one entry with its context', () => {
    const reader = VulnDbReader.open(database);
    try {
      // GO-2022-0535 is Go's record of CVE-2020-0601 (crypto/x509 on Windows), which is in KEV.
      for (const id of ['GO-2022-0535', 'CVE-2020-0601']) {
        const entry = describeVulnerability(reader, id)!;
        expect(entry.id).toBe('CVE-2020-0601');
        expect(entry.advisories).toContain('GO-2022-0535');
        expect(entry.kev).toMatchObject({ dateAdded: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
        expect(entry.epss?.score).toBeGreaterThan(0);
        expect(entry.affected.map((a) => a.name)).toEqual(['stdlib']);
      }
      const rapidReset = describeVulnerability(reader, 'GHSA-4374-p667-p6c8')!;
      expect(rapidReset.id).toBe('CVE-2023-39325');
      expect(rapidReset.affected.map((a) => a.name)).toEqual(expect.arrayContaining(['stdlib', 'golang.org/x/net']));
      expect(describeVulnerability(reader, 'CVE-1999-99999')).toBeUndefined();
    } finally {
      reader.close();
    }
  });

  it('changes nothing when the same feeds are imported again', async () => {
    const again = await importFeeds([goDir, kev], database);
    expect(again.sources.map((s) => [s.added, s.changed])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(again.changedPackages).toBe(0);
  });

  it('rewrites only what changed, withdraws what is withdrawn, and logs the packages', async () => {
    const folder = join(work, 'changed');
    const changed = JSON.parse(readFileSync(join(goDir, 'GO-2022-0969.json'), 'utf8'));
    changed.summary = `${changed.summary} (edited)`;
    const withdrawn = JSON.parse(readFileSync(join(goDir, 'GO-2023-2102.json'), 'utf8'));
    withdrawn.withdrawn = '2026-01-01T00:00:00Z';
    cpSync(goDir, folder, { recursive: true });
    writeFileSync(join(folder, 'GO-2022-0969.json'), JSON.stringify(changed));
    writeFileSync(join(folder, 'GO-2023-2102.json'), JSON.stringify(withdrawn));
    const report = await importFeeds([folder], database);
    expect(report.sources[0]).toMatchObject({ changed: 2, added: 0 });
    const reader = VulnDbReader.open(database);
    try {
      expect(reader.advisoriesFor('Go', 'golang.org/x/net').map((a) => a.id)).not.toContain('GO-2023-2102');
      expect(reader.advisory('GO-2023-2102')?.withdrawn).toBe('2026-01-01T00:00:00Z');
      const changes = reader.changesSince(report.importSeq - 1).map((c) => `${c.ecosystem} ${c.name}`);
      expect(changes).toEqual(expect.arrayContaining(['Go stdlib', 'Go golang.org/x/net']));
    } finally {
      reader.close();
    }
  }, 60_000);

  it('keeps the live database whole when an import fails, and open readers keep theirs', async () => {
    const reader = VulnDbReader.open(database);
    const before = reader.status().advisories;
    const notAFeed = join(work, 'notes.txt');
    writeFileSync(notAFeed, 'hello\n');
    await expect(importFeeds([goDir, notAFeed], database)).rejects.toMatchObject({ code: 'FEED_UNRECOGNISED' });
    const truncated = join(work, 'broken.zip');
    writeFileSync(truncated, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64)]));
    await importFeeds([truncated], database).catch(() => undefined);
    expect(reader.status().advisories).toBe(before);
    reader.close();
    const fresh = VulnDbReader.open(database);
    expect(fresh.status().advisories).toBe(before);
    fresh.close();
    expect(readdirSync(work).filter((f) => f.includes('.building-'))).toEqual([]);
  }, 60_000);
});
