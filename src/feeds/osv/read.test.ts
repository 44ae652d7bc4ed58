import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isVigilError } from '../../errors.js';
import { parseOsvRecord } from './parse.js';
import { readOsvSource, type OsvSourceItem } from './read.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/feeds/osv/', import.meta.url));
const goVulnDb = fileURLToPath(new URL('../../../../shared/data/golang-vulndb/data/osv/', import.meta.url));

async function collect(path: string, options?: { maxFileBytes?: number }): Promise<OsvSourceItem[]> {
  const items: OsvSourceItem[] = [];
  for await (const item of readOsvSource(path, options)) items.push(item);
  return items;
}

/** One line per item: "origin id" for records, "! where: reason" for errors. */
function describeItems(items: OsvSourceItem[], base: string): string[] {
  return items.map((item) =>
    'error' in item
      ? `! ${item.error.id.replace(base, '')}: ${item.error.reason.replace(/:.*$/, '')}`
      : `${item.origin.replace(base, '')} ${(item.json as { id?: string }).id}`,
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'vigil-osv-read-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('readOsvSource', () => {
  it('reads one JSON record file', async () => {
    expect(describeItems(await collect(join(fixtures, 'GHSA-35jh-r3h4-6jhm.json')), fixtures)).toEqual(['GHSA-35jh-r3h4-6jhm.json GHSA-35jh-r3h4-6jhm']);
  });

  it('reads a JSON array as one item per record, numbered', async () => {
    expect(describeItems(await collect(join(fixtures, 'two-records.json')), fixtures)).toEqual(['two-records.json#0 PYSEC-2023-74', 'two-records.json#1 RUSTSEC-2021-0078']);
  });

  it('reads a YAML record', async () => {
    expect(describeItems(await collect(join(fixtures, 'ubuntu-openssl.yaml')), fixtures)).toEqual(['ubuntu-openssl.yaml UBUNTU-CVE-2014-0160']);
  });

  it('reads a folder recursively in name order, reporting files that are not JSON, ignoring other files', async () => {
    expect(describeItems(await collect(fixtures), fixtures)).toEqual([
      'GHSA-35jh-r3h4-6jhm.json GHSA-35jh-r3h4-6jhm',
      'broken-event.json GHSA-broken-event',
      '! truncated.json: not valid JSON',
      'two-records.json#0 PYSEC-2023-74',
      'two-records.json#1 RUSTSEC-2021-0078',
      'ubuntu-openssl.yaml UBUNTU-CVE-2014-0160',
    ]);
  });

  it('reads a zip entry by entry, skipping folders and other files, reporting broken entries', async () => {
    const zip = join(fixtures, 'all.zip');
    expect(describeItems(await collect(zip), `${zip}!`)).toEqual([
      'GHSA-35jh-r3h4-6jhm.json GHSA-35jh-r3h4-6jhm',
      'two-records.json#0 PYSEC-2023-74',
      'two-records.json#1 RUSTSEC-2021-0078',
      'sub/GO-2022-0001.json GO-2022-0001',
      '! broken.json: not valid JSON',
    ]);
  });

  it('leaves entries and files over the size cap unread, and says so', async () => {
    const zip = join(fixtures, 'all.zip');
    const items = await collect(zip, { maxFileBytes: 600 });
    expect(describeItems(items, `${zip}!`)).toContain('! GHSA-35jh-r3h4-6jhm.json: larger than 600 bytes');
    expect(describeItems(await collect(join(fixtures, 'two-records.json'), { maxFileBytes: 10 }), fixtures)).toEqual(['! two-records.json: larger than 10 bytes']);
  });

  it('does not follow symbolic links in a folder', async () => {
    const folder = join(scratch, 'links');
    mkdirSync(join(folder, 'real'), { recursive: true });
    copyFileSync(join(fixtures, 'GHSA-35jh-r3h4-6jhm.json'), join(folder, 'real', 'a.json'));
    symlinkSync(join(folder, 'real', 'a.json'), join(folder, 'link.json'));
    symlinkSync(fixtures, join(folder, 'linked-folder'));
    expect(describeItems(await collect(folder), `${folder}/`)).toEqual(['real/a.json GHSA-35jh-r3h4-6jhm']);
  });

  it('reports a damaged zip as one error item', async () => {
    const path = join(scratch, 'damaged.zip');
    writeFileSync(path, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100, 7)]));
    const items = await collect(path);
    expect(items).toHaveLength(1);
    expect(describeItems(items, scratch)[0]).toMatch(/^! \/damaged\.zip: not a readable zip archive/);
  });

  it('turns any file content into records or error items, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), fc.constantFrom('.json', '.yaml'), async (text, extension) => {
        const path = join(scratch, `fuzz${extension}`);
        writeFileSync(path, text);
        for (const item of await collect(path)) {
          if ('json' in item) parseOsvRecord(item.json, item.origin);
          else expect(item.error.reason).toMatch(/^not valid/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('throws TARGET_NOT_FOUND for a path that does not exist', async () => {
    const error = await collect(join(scratch, 'absent')).catch((e: unknown) => e);
    expect(isVigilError(error) && error.code).toBe('TARGET_NOT_FOUND');
  });
});

describe.skipIf(!existsSync(goVulnDb))(`the Go vulnerability database (skipped when ${goVulnDb} is absent)`, () => {
  it('imports all 4,291 records, rejecting none, with exact facts for a few', async () => {
    const accepted = new Map<string, ReturnType<typeof parseOsvRecord>>();
    const problems: string[] = [];
    for await (const item of readOsvSource(goVulnDb)) {
      if ('error' in item) {
        problems.push(`${item.error.id}: ${item.error.reason}`);
        continue;
      }
      const result = parseOsvRecord(item.json, item.origin);
      if (result.ok) accepted.set(result.advisory.id, result);
      else problems.push(`${result.rejection.id}: ${result.rejection.reason}`);
    }
    expect(problems).toEqual([]);
    expect(accepted.size).toBe(4291);

    const gin = accepted.get('GO-2020-0001');
    expect(gin?.ok && gin.advisory).toMatchObject({
      aliases: ['CVE-2020-36567', 'GHSA-6vm3-jj99-7229'],
      modified: '0001-01-01T00:00:00Z',
      affected: [{ ecosystem: 'Go', name: 'github.com/gin-gonic/gin', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.6.0' }] }] }],
    });
    const rapidReset = accepted.get('GO-2023-2102');
    expect(rapidReset?.ok && rapidReset.advisory.aliases).toEqual(['CVE-2023-39325', 'GHSA-4374-p667-p6c8']);
    expect(rapidReset?.ok && rapidReset.advisory.affected.slice(0, 2).map((a) => [a.name, a.ranges[0]!.events])).toEqual([
      ['stdlib', [{ introduced: '0' }, { fixed: '1.20.10' }, { introduced: '1.21.0-0' }, { fixed: '1.21.3' }]],
      ['golang.org/x/net', [{ introduced: '0' }, { fixed: '0.17.0' }]],
    ]);
    const withdrawn = accepted.get('GO-2022-0617');
    expect(withdrawn?.ok && withdrawn.advisory.withdrawn).toBe('2024-08-21T16:25:56Z');
    expect([...accepted.values()].filter((r) => r.ok && r.advisory.withdrawn).length).toBe(17);
  });
});
