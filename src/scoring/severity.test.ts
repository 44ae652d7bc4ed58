import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSeverity, SEVERITIES, severityAtLeast, severityFromScore, severityFromText, type Severity } from './severity.js';

describe('severityFromScore (Inspector thresholds)', () => {
  it.each<[number, Severity]>([
    [0, 'INFORMATIONAL'],
    [0.1, 'LOW'],
    [3.9, 'LOW'],
    [4.0, 'MEDIUM'],
    [6.9, 'MEDIUM'],
    [7.0, 'HIGH'],
    [8.9, 'HIGH'],
    [9.0, 'CRITICAL'],
    [10, 'CRITICAL'],
    [3.95, 'MEDIUM'],
    [-1, 'UNTRIAGED'],
    [10.1, 'UNTRIAGED'],
    [Number.NaN, 'UNTRIAGED'],
  ])('%d is %s', (score, severity) => {
    expect(severityFromScore(score)).toBe(severity);
  });

  it('never decreases as the score grows', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(compareSeverity(severityFromScore(low), severityFromScore(high))).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('severityFromText', () => {
  it.each<[string, Severity | undefined]>([
    // GHSA
    ['LOW', 'LOW'],
    ['MODERATE', 'MEDIUM'],
    ['HIGH', 'HIGH'],
    ['CRITICAL', 'CRITICAL'],
    // Debian and Ubuntu
    ['unimportant', 'INFORMATIONAL'],
    ['negligible', 'INFORMATIONAL'],
    ['low', 'LOW'],
    ['medium', 'MEDIUM'],
    ['high', 'HIGH'],
    ['critical', 'CRITICAL'],
    ['untriaged', 'UNTRIAGED'],
    ['not yet assigned', 'UNTRIAGED'],
    // Red Hat, SUSE, Amazon Linux
    ['Low', 'LOW'],
    ['Moderate', 'MEDIUM'],
    ['Important', 'HIGH'],
    ['Critical', 'CRITICAL'],
    // CVSS qualitative
    ['None', 'INFORMATIONAL'],
    [' High ', 'HIGH'],
    ['', undefined],
    ['severe', undefined],
    ['toString', undefined],
  ])('%j is %s', (text, severity) => {
    expect(severityFromText(text)).toBe(severity);
  });
});

describe('compareSeverity and severityAtLeast', () => {
  it('orders UNTRIAGED < INFORMATIONAL < LOW < MEDIUM < HIGH < CRITICAL', () => {
    const shuffled: Severity[] = ['HIGH', 'UNTRIAGED', 'CRITICAL', 'LOW', 'INFORMATIONAL', 'MEDIUM'];
    expect([...shuffled].sort(compareSeverity)).toEqual(SEVERITIES);
  });

  it.each<[Severity, Severity, boolean]>([
    ['CRITICAL', 'HIGH', true],
    ['HIGH', 'HIGH', true],
    ['MEDIUM', 'HIGH', false],
    ['UNTRIAGED', 'LOW', false],
    ['INFORMATIONAL', 'UNTRIAGED', true],
  ])('%s at least %s: %s', (severity, threshold, expected) => {
    expect(severityAtLeast(severity, threshold)).toBe(expected);
  });
});
