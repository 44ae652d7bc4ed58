import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isVigilError } from '../../errors.js';
import { parseNvdCve, parseNvdDocument } from './parse.js';
import { readNvdFile } from './read.js';

const page = fileURLToPath(new URL('../../../test/fixtures/feeds/nvd/page.json', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'vigil-nvd-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('parseNvdDocument', () => {
  const document = parseNvdDocument(JSON.parse(readFileSync(page, 'utf8')), 'page.json');

  it('turns each vulnerabilities[].cve into a CveRecord and rejects a bad id', () => {
    expect(document.records.map((r) => r.id)).toEqual(['CVE-2021-44228', 'CVE-2024-3094']);
    expect(document.rejections).toEqual([{ id: 'not-a-cve', reason: '"id" is not a CVE id: "not-a-cve"' }]);
    expect(document.totalResults).toBe(3);
  });

  it('keeps dates, status, the English description, every CVSS metric, CWE ids and reference URLs', () => {
    expect(document.records[0]).toEqual({
      id: 'CVE-2021-44228',
      published: '2021-12-10T10:15:09.143',
      lastModified: '2024-04-03T17:15:00.000',
      status: 'Analyzed',
      description: 'Fixture text: Log4j2 JNDI lookups in logged data can load remote code.',
      cvss: [
        { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', baseScore: 10, source: 'nvd@nist.gov', type: 'Primary' },
        { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', baseScore: 10, source: 'security@apache.org', type: 'Secondary' },
        { version: '2.0', vector: 'AV:N/AC:M/Au:N/C:C/I:C/A:C', baseScore: 9.3, source: 'nvd@nist.gov', type: 'Primary' },
      ],
      cwes: ['CWE-502', 'CWE-400', 'CWE-20', 'CWE-917'],
      references: [{ type: 'WEB', url: 'https://logging.apache.org/log4j/2.x/security.html' }],
    });
    expect(document.records[1]!.cvss.map((m) => `${m.version} ${m.source}`)).toEqual(['4.0 example-cna@example.org', '3.1 secalert@redhat.com']);
  });

  it('rejects a document without a vulnerabilities array', () => {
    expect(parseNvdDocument({ CVE_Items: [] }, 'old.json').rejections[0]!.reason).toMatch(/no "vulnerabilities" array/);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        parseNvdCve(json);
        parseNvdDocument(json);
        parseNvdDocument({ vulnerabilities: [json, { cve: json }] });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('readNvdFile', () => {
  it('reads plain and gzip-compressed pages alike', async () => {
    const gz = join(scratch, 'page.json.gz');
    writeFileSync(gz, gzipSync(readFileSync(page)));
    const plain = await readNvdFile(page);
    const compressed = await readNvdFile(gz);
    expect(compressed.records).toEqual(plain.records);
    expect(plain.records).toHaveLength(2);
  });

  it('reports a file that is not JSON, or over the cap, as a rejection', async () => {
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, '{"vulnerabilities": [');
    expect((await readNvdFile(bad)).rejections[0]!.reason).toMatch(/^not valid JSON/);
    expect((await readNvdFile(page, 100)).rejections[0]!.reason).toBe('larger than 100 bytes: left unread');
  });

  it('throws TARGET_NOT_FOUND for a missing file', async () => {
    const error = await readNvdFile(join(scratch, 'absent.json')).catch((e: unknown) => e);
    expect(isVigilError(error) && error.code).toBe('TARGET_NOT_FOUND');
  });
});
