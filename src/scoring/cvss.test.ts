import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCvss } from './cvss.js';

const shared = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

describe('parseCvss', () => {
  // Published base scores: NVD's for the CVEs named, FIRST's CVSS 4.0 examples for the 4.0 vectors.
  it.each<[string, string, string, number]>([
    ['CVE-2021-44228 (NVD v3.1)', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', '3.1', 10.0],
    ['CVE-2021-44228 (NVD v2)', 'AV:N/AC:M/Au:N/C:C/I:C/A:C', '2.0', 9.3],
    ['NVD v2, all complete', 'AV:N/AC:L/Au:N/C:C/I:C/A:C', '2.0', 10.0],
    ['CVE-2014-0160 (NVD v3.1)', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', '3.1', 7.5],
    ['CVE-2014-0160 (NVD v2)', 'AV:N/AC:L/Au:N/C:P/I:N/A:N', '2.0', 5.0],
    ['CVE-2017-5638 (NVD v3.0)', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.0', 9.8],
    ['CVE-2021-3156 (NVD v3.1)', 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', '3.1', 7.8],
    ['CVE-2021-3156 (NVD v2)', 'AV:L/AC:L/Au:N/C:C/I:C/A:C', '2.0', 7.2],
    ['CVE-2021-45046 (NVD v3.1)', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H', '3.1', 9.0],
    ['CVE-2021-45105 (NVD v3.1)', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H', '3.1', 5.9],
    ['CVE-2021-44832 (NVD v3.1)', 'CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:H', '3.1', 6.6],
    ['CVE-2023-4863 (NVD v3.1)', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', '3.1', 8.8],
    ['CVE-2021-23337 (GHSA v3.1)', 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', '3.1', 7.2],
    ['CVE-2023-41045 (v3.1)', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N', '3.1', 5.3],
    ['CVE-2018-5407 (v3.1)', 'CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N', '3.1', 4.7],
    ['v2 typical XSS', 'AV:N/AC:M/Au:N/C:N/I:P/A:N', '2.0', 4.3],
    ['v2 partial everything', 'AV:N/AC:M/Au:N/C:P/I:P/A:P', '2.0', 6.8],
    ['v3.1 no impact', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', '3.1', 0.0],
    ['4.0 all high', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', '4.0', 10.0],
    ['4.0 vulnerable system high', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 9.3],
    ['4.0 low impacts', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N', '4.0', 6.9],
    ['FIRST 4.0 example CVE-2022-41741', 'CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 7.3],
    ['FIRST 4.0 example CVE-2020-3549', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 7.7],
    ['FIRST 4.0 example CVE-2023-3089', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N', '4.0', 8.3],
    ['FIRST 4.0 example CVE-2021-44714', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', '4.0', 4.6],
  ])('%s: %s is %s with base %d', (_name, vector, version, score) => {
    expect(parseCvss(vector)).toEqual({ version, vector, baseScore: score });
  });

  it('scores the base metrics only: temporal, threat and environmental metrics are kept but not scored', () => {
    // FIRST's example CVE-2020-3549 with E:U scores 5.2 as CVSS-BT; its CVSS-B score is 7.7.
    expect(parseCvss('CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U')?.baseScore).toBe(7.7);
    expect(parseCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/E:U/RL:O/RC:C')?.baseScore).toBe(10.0);
    expect(parseCvss('AV:N/AC:L/Au:N/C:C/I:C/A:C/E:U/RL:OF/RC:C/CDP:H/TD:H/CR:H/IR:H/AR:H')?.baseScore).toBe(10.0);
  });

  it('accepts a v2 vector with a CVSS:2.0 prefix or in parentheses, and any metric order in 3.x', () => {
    expect(parseCvss('CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C')).toEqual({ version: '2.0', vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C', baseScore: 10 });
    expect(parseCvss('(AV:N/AC:L/Au:N/C:P/I:N/A:N)')?.baseScore).toBe(5.0);
    expect(parseCvss(' CVSS:3.1/S:C/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N ')?.baseScore).toBe(10.0);
  });

  it.each([
    '',
    'garbage',
    'CVSS:3.1',
    'CVSS:3.1/AV:N',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H',
    'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/AV:L',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/XX:Y',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/',
    'CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    'cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    'AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    'AV:N/AC:L/Au:N/C:C/I:C',
    'CVSS:3.1/AV:N/AC:L/Au:N/C:C/I:C/A:C',
    'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N',
    'CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Q',
  ])('rejects %j', (vector) => {
    expect(parseCvss(vector)).toBeUndefined();
  });

  it('never throws, and every score is in [0, 10], on arbitrary and on near-valid vectors', () => {
    const metric = fc.tuple(fc.constantFrom('AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A', 'Au', 'AT', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA', 'E', 'MAV', 'MSI'), fc.constantFrom('N', 'L', 'H', 'P', 'A', 'C', 'U', 'R', 'X', 'S', 'M', 'ND', 'Q'));
    const vector = fc.tuple(fc.constantFrom('', 'CVSS:2.0/', 'CVSS:3.0/', 'CVSS:3.1/', 'CVSS:4.0/'), fc.array(metric, { maxLength: 14 })).map(([prefix, parts]) => prefix + parts.map(([m, v]) => `${m}:${v}`).join('/'));
    fc.assert(
      fc.property(fc.oneof(fc.string(), vector), (text) => {
        const parsed = parseCvss(text);
        if (parsed) {
          expect(parsed.baseScore).toBeGreaterThanOrEqual(0);
          expect(parsed.baseScore).toBeLessThanOrEqual(10);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

/** Every severity vector in a folder of OSV records (recursively). */
function vectorsIn(folder: string): string[] {
  const vectors = new Set<string>();
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (entry.name.endsWith('.json')) {
        const text = readFileSync(child, 'utf8');
        for (const match of text.matchAll(/"score"\s*:\s*"([^"]+)"/g)) if (/^(CVSS:|AV:)/.test(match[1]!)) vectors.add(match[1]!);
      }
    }
  };
  visit(folder);
  return [...vectors];
}

describe.skipIf(!existsSync(shared))(`CVSS vectors in the shared OSV data (skipped when ${shared} is absent)`, () => {
  it('parses every vector in the OSV schema test data, each in [0, 10]', () => {
    const vectors = vectorsIn(join(shared, 'osv-schema/tools'));
    expect(vectors.length).toBe(6);
    for (const vector of vectors) {
      const parsed = parseCvss(vector);
      expect(parsed, vector).toBeDefined();
      expect(parsed!.baseScore).toBeGreaterThanOrEqual(0);
      expect(parsed!.baseScore).toBeLessThanOrEqual(10);
    }
  });

  it('finds no CVSS vectors in this copy of the Go vulnerability database (it publishes none)', () => {
    // The Go database leaves severity out of its records; if a future copy adds them, score them all.
    const vectors = vectorsIn(join(shared, 'golang-vulndb/data/osv'));
    for (const vector of vectors) expect(parseCvss(vector)?.baseScore, vector).toBeGreaterThanOrEqual(0);
    expect(vectors).toEqual([]);
  });
});
