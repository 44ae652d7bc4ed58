import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKevCatalog } from './parse.js';
import { readKevFile } from './read.js';

const fixture = fileURLToPath(new URL('../../../test/fixtures/feeds/kev/catalog.json', import.meta.url));
const real = fileURLToPath(new URL('../../../../shared/data/cisa-kev/known_exploited_vulnerabilities.json', import.meta.url));

describe('parseKevCatalog', () => {
  const result = parseKevCatalog(JSON.parse(readFileSync(fixture, 'utf8')), 'catalog.json');

  it('reads the catalog facts and every entry with a CVE id and a date added', () => {
    expect(result.catalog).toEqual({ catalogVersion: '2024.06.01', dateReleased: '2024-06-01T12:00:00.000Z', count: 4 });
    expect(result.entries).toEqual([
      {
        cveId: 'CVE-2021-44228',
        vendorProject: 'Apache',
        product: 'Log4j2',
        vulnerabilityName: 'Fixture: Log4j2 remote code execution',
        dateAdded: '2021-12-10',
        shortDescription: 'Fixture text.',
        requiredAction: 'Fixture text.',
        dueDate: '2021-12-24',
        knownRansomwareCampaignUse: 'Known',
        cwes: ['CWE-20', 'CWE-400', 'CWE-502'],
      },
      { cveId: 'CVE-2014-0160', dateAdded: '2022-05-04', dueDate: '2022-05-25', knownRansomwareCampaignUse: 'Unknown', cwes: [] },
    ]);
  });

  it('rejects entries without cveID or dateAdded', () => {
    expect(result.rejections).toEqual([
      { id: 'catalog.json#2', reason: '"cveID" is missing or not a CVE id: undefined' },
      { id: 'CVE-2020-0001', reason: '"dateAdded" is missing or not a YYYY-MM-DD date: undefined' },
    ]);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        parseKevCatalog(json);
        parseKevCatalog({ catalogVersion: json, vulnerabilities: [json] });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('readKevFile', () => {
  it('reads a gzip-compressed catalog like a plain one, and reports a file that is not JSON', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'vigil-kev-'));
    try {
      writeFileSync(join(scratch, 'kev.json.gz'), gzipSync(readFileSync(fixture)));
      writeFileSync(join(scratch, 'bad.json'), '{"catalogVersion":');
      const [compressed, plain] = [await readKevFile(join(scratch, 'kev.json.gz')), await readKevFile(fixture)];
      expect(compressed.entries).toEqual(plain.entries);
      expect(compressed.catalog).toEqual(plain.catalog);
      expect(compressed.rejections).toHaveLength(2);
      expect((await readKevFile(join(scratch, 'bad.json'))).rejections[0]!.reason).toMatch(/^not valid JSON/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!existsSync(real))(`the CISA KEV catalog 2025.08.25 (skipped when ${real} is absent)`, () => {
  it('reads all 1,404 entries and rejects none', async () => {
    const { catalog, entries, rejections } = await readKevFile(real);
    expect(catalog).toEqual({ catalogVersion: '2025.08.25', dateReleased: '2025-08-25T17:04:19.9796Z', count: 1404 });
    expect(rejections).toEqual([]);
    expect(entries).toHaveLength(1404);
    expect(entries.filter((e) => e.knownRansomwareCampaignUse === 'Known')).toHaveLength(293);
    const byId = new Map(entries.map((e) => [e.cveId, e]));
    expect(byId.get('CVE-2021-44228')).toMatchObject({
      vendorProject: 'Apache',
      product: 'Log4j2',
      dateAdded: '2021-12-10',
      dueDate: '2021-12-24',
      knownRansomwareCampaignUse: 'Known',
      cwes: ['CWE-20', 'CWE-400', 'CWE-502'],
    });
    expect(byId.get('CVE-2014-0160')).toMatchObject({ vendorProject: 'OpenSSL', dateAdded: '2022-05-04', dueDate: '2022-05-25', cwes: ['CWE-125'] });
    expect(entries[0]).toMatchObject({ cveId: 'CVE-2025-48384', dateAdded: '2025-08-25', cwes: ['CWE-59', 'CWE-436'] });
    expect(entries.at(-1)).toMatchObject({ cveId: 'CVE-2020-29583', dateAdded: '2021-11-03' });
  });
});
