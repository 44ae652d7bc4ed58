import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isVigilError } from '../errors.js';
import { detectFeed } from './detect.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/feeds/', import.meta.url));
const shared = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'vigil-detect-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

const longDetails = 'x'.repeat(200_000);

describe('detectFeed', () => {
  it.each([
    ['osv/GHSA-35jh-r3h4-6jhm.json', 'osv'],
    ['osv/two-records.json', 'osv'],
    ['osv/ubuntu-openssl.yaml', 'osv'],
    ['osv/all.zip', 'osv'],
    ['osv', 'osv'],
    ['nvd/page.json', 'nvd'],
    ['kev/catalog.json', 'kev'],
    ['epss/with-model.csv', 'epss'],
    ['epss/plain.csv', 'epss'],
    // Cut short, but plainly an OSV record: the reader then reports it as not valid JSON.
    ['osv/truncated.json', 'osv'],
    ['osv/README.md', undefined],
  ])('%s is %s', async (name, expected) => {
    expect(await detectFeed(join(fixtures, name))).toBe(expected);
  });

  it('looks inside gzip: NVD, EPSS, and a gzip-compressed record is not taken for an OSV folder', async () => {
    expect(await detectFeed(write('nvd.json.gz', gzipSync(readFileSync(join(fixtures, 'nvd/page.json')))))).toBe('nvd');
    expect(await detectFeed(write('epss.csv.gz', gzipSync(readFileSync(join(fixtures, 'epss/with-model.csv')))))).toBe('epss');
    expect(await detectFeed(write('kev.json.gz', gzipSync(readFileSync(join(fixtures, 'kev/catalog.json')))))).toBe('kev');
  });

  it('decides from the first KBs of a large file', async () => {
    const osvRecord = JSON.stringify({ id: 'GHSA-aaaa-bbbb-cccc', modified: '2024-01-01T00:00:00Z', details: longDetails });
    expect(await detectFeed(write('big-osv.json', osvRecord))).toBe('osv');
    const nvdPage = `{"resultsPerPage":2000,"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2024-0001","descriptions":[{"lang":"en","value":"${longDetails}"}]}}]}`;
    expect(await detectFeed(write('big-nvd.json', nvdPage))).toBe('nvd');
    const kevCatalog = `{"title":"t","catalogVersion":"2025.01.01","count":1,"vulnerabilities":[{"cveID":"CVE-2024-0001","notes":"${longDetails}"}]}`;
    expect(await detectFeed(write('big-kev.json', kevCatalog))).toBe('kev');
  });

  it('recognises nothing in other JSON or text', async () => {
    expect(await detectFeed(write('other.json', '{"bomFormat":"CycloneDX","specVersion":"1.6"}'))).toBeUndefined();
    expect(await detectFeed(write('empty.json', ''))).toBeUndefined();
    expect(await detectFeed(write('list.csv', 'name,version\nlodash,4.17.20\n'))).toBeUndefined();
  });

  it('throws TARGET_NOT_FOUND for a missing path', async () => {
    const error = await detectFeed(join(scratch, 'absent')).catch((e: unknown) => e);
    expect(isVigilError(error) && error.code).toBe('TARGET_NOT_FOUND');
  });

  it.skipIf(!existsSync(shared))(`recognises the shared real data (skipped when ${shared} is absent)`, async () => {
    expect(await detectFeed(join(shared, 'epss/epss_scores.csv.gz'))).toBe('epss');
    expect(await detectFeed(join(shared, 'cisa-kev/known_exploited_vulnerabilities.json'))).toBe('kev');
    expect(await detectFeed(join(shared, 'golang-vulndb/data/osv'))).toBe('osv');
    expect(await detectFeed(join(shared, 'golang-vulndb/data/osv/GO-2023-2102.json'))).toBe('osv');
    // The KEV catalog's own JSON schema is JSON, but no feed.
    expect(await detectFeed(join(shared, 'cisa-kev/known_exploited_vulnerabilities_schema.json'))).toBeUndefined();
  });
});
