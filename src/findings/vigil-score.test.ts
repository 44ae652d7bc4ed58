import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { factNames, scanFinding, type FactName } from '../../test/harness/findings.js';
import { vigilScore } from './vigil-score.js';

describe('vigilScore', () => {
  it.each<[FactName, number | null, string[]]>([
    // KEV-listed: +1.0, at most 10.
    ['log4shell', 10, ['EXPLOIT_KNOWN: listed in CISA KEV since 2021-12-10: 10.0 → 10.0 (+1.0, at most 10)']],
    ['log4jFollowUp', 10, ['EXPLOIT_KNOWN: listed in CISA KEV since 2023-05-01: 9.0 → 10.0 (+1.0, at most 10)']],
    ['heartbleed', 8.5, ['EXPLOIT_KNOWN: listed in CISA KEV since 2022-05-04: 7.5 → 8.5 (+1.0, at most 10)']],
    // Not in KEV: the base score, no adjustment.
    ['punycode', 7.5, []],
    ['lodash', 7.2, []],
  ])('%s: %s', (name, score, adjustments) => {
    const result = vigilScore(scanFinding(name));
    expect(result.score).toBe(score);
    expect(result.adjustments.map((a) => `${a.metric}: ${a.reason}`)).toEqual(adjustments);
  });

  it('gives no score when the finding has no CVSS score', () => {
    expect(vigilScore(scanFinding('rapidReset', { score: null }))).toEqual({ score: null, adjustments: [] });
  });

  it('stays within [base, 10] and never lowers a score', () => {
    fc.assert(
      fc.property(fc.constantFrom(...factNames), fc.double({ min: 0, max: 10, noNaN: true }), (name, base) => {
        const { score } = vigilScore(scanFinding(name, { score: base }));
        expect(score).not.toBeNull();
        expect(score!).toBeLessThanOrEqual(10);
        expect(score!).toBeGreaterThanOrEqual(Math.round(base * 10) / 10);
      }),
    );
  });
});
