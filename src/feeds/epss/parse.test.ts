import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { EpssScore } from '../../model/advisory.js';
import { parseEpssComment, parseEpssLine } from './parse.js';
import { readEpssFile, type EpssItem } from './read.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/feeds/epss/', import.meta.url));
const real = fileURLToPath(new URL('../../../../shared/data/epss/epss_scores.csv.gz', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'vigil-epss-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function collect(path: string): Promise<EpssItem[]> {
  const items: EpssItem[] = [];
  for await (const item of readEpssFile(path)) items.push(item);
  return items;
}

describe('parseEpssLine', () => {
  it.each<[string, unknown]>([
    ['CVE-2021-44228,0.944010000,0.999890000', { kind: 'score', score: { cveId: 'CVE-2021-44228', score: 0.94401, percentile: 0.99989 } }],
    ['cve-2021-44228,1,0', { kind: 'score', score: { cveId: 'CVE-2021-44228', score: 1, percentile: 0 } }],
    ['cve,epss,percentile', { kind: 'header', columns: { cve: 0, epss: 1, percentile: 2 } }],
    ['percentile,cve,epss', { kind: 'header', columns: { cve: 1, epss: 2, percentile: 0 } }],
    ['  ', { kind: 'blank' }],
    ['#model_version:v2025.03.14,score_date:2026-08-16T00:00:00+0000', { kind: 'model', model: { modelVersion: 'v2025.03.14', scoreDate: '2026-08-16T00:00:00+0000' } }],
  ])('%j', (line, expected) => {
    expect(parseEpssLine(line, 1)).toEqual(expected);
  });

  it.each([
    ['CVE-2024-1,0.1,0.2', /no CVE id/],
    ['CVE-2024-0002,1.5,0.2', /epss "1.5" is not a number in \[0, 1\]/],
    ['CVE-2024-0002,-0.1,0.2', /epss/],
    ['CVE-2024-0002,0x1,0.2', /epss/],
    ['CVE-2024-0003,0.01', /percentile "" is not/],
  ])('rejects %j', (line, reason) => {
    const parsed = parseEpssLine(line, 7);
    expect(parsed.kind).toBe('rejected');
    if (parsed.kind === 'rejected') expect(parsed.rejection.reason).toMatch(reason);
  });

  it('reads a comment with one fact, or none', () => {
    expect(parseEpssComment('#score_date:2024-01-01')).toEqual({ scoreDate: '2024-01-01' });
    expect(parseEpssComment('# nothing here')).toEqual({});
  });

  it('never throws on arbitrary text, and scores are always in [0, 1]', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), (line, n) => {
        const parsed = parseEpssLine(line, n);
        if (parsed.kind === 'score') {
          expect(parsed.score.score).toBeGreaterThanOrEqual(0);
          expect(parsed.score.score).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('readEpssFile', () => {
  it('reads the model line, the scores, and reports bad lines by number', async () => {
    const items = await collect(join(fixtures, 'with-model.csv'));
    expect(items).toEqual([
      { model: { modelVersion: 'v2025.03.14', scoreDate: '2026-08-16T00:00:00+0000' } },
      { score: { cveId: 'CVE-2021-44228', score: 0.94401, percentile: 0.99989 } },
      { score: { cveId: 'CVE-2014-0160', score: 0.99999, percentile: 0.99997 } },
      { score: { cveId: 'CVE-2024-0001', score: 0.00043, percentile: 0.119 } },
      { error: { id: 'line 7', reason: 'no CVE id in "not-a-cve,0.1,0.2"' } },
      { error: { id: 'CVE-2024-0002', reason: 'line 8: epss "1.5" is not a number in [0, 1]' } },
      { error: { id: 'CVE-2024-0003', reason: 'line 9: percentile "" is not a number in [0, 1]' } },
    ]);
  });

  it('reads gzip by its magic bytes whatever the name, and CRLF lines without a model line', async () => {
    const disguised = join(scratch, 'scores.csv');
    writeFileSync(disguised, gzipSync(readFileSync(join(fixtures, 'plain.csv'))));
    const expected = [
      { score: { cveId: 'CVE-1999-0001', score: 0.03351, percentile: 0.8765 } },
      { score: { cveId: 'CVE-2014-0160', score: 0.99999, percentile: 0.99997 } },
    ];
    expect(await collect(join(fixtures, 'plain.csv'))).toEqual(expected);
    expect(await collect(disguised)).toEqual(expected);
  });

  it('reports a damaged gzip stream as an error item after what it could read', async () => {
    const damaged = join(scratch, 'damaged.csv.gz');
    const whole = gzipSync(Buffer.from('cve,epss,percentile\n' + 'CVE-2024-0001,0.1,0.2\n'.repeat(2000)));
    writeFileSync(damaged, whole.subarray(0, whole.length - 20));
    const items = await collect(damaged);
    expect(items.at(-1)).toMatchObject({ error: { id: damaged } });
  });
});

describe.skipIf(!existsSync(real))(`the EPSS scores of about 2026-08-16 (skipped when ${real} is absent)`, () => {
  it('streams all 360,142 scores with no rejections, and exact values for a few', async () => {
    const wanted = new Map<string, EpssScore>();
    let scores = 0;
    const problems: unknown[] = [];
    for await (const item of readEpssFile(real)) {
      if ('score' in item) {
        scores += 1;
        if (['CVE-1999-0001', 'CVE-2014-0160', 'CVE-2021-44228', 'CVE-1999-1593'].includes(item.score.cveId)) wanted.set(item.score.cveId, item.score);
      } else problems.push(item);
    }
    expect(problems).toEqual([]);
    expect(scores).toBe(360_142);
    expect(wanted.get('CVE-1999-0001')).toEqual({ cveId: 'CVE-1999-0001', score: 0.03351, percentile: 0.8765 });
    expect(wanted.get('CVE-2014-0160')).toEqual({ cveId: 'CVE-2014-0160', score: 0.99999, percentile: 0.99997 });
    expect(wanted.get('CVE-2021-44228')).toEqual({ cveId: 'CVE-2021-44228', score: 0.99999, percentile: 1 });
    expect(wanted.get('CVE-1999-1593')).toEqual({ cveId: 'CVE-1999-1593', score: 0.18126, percentile: 0.96946 });
  });
});
