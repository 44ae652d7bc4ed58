import { describe, expect, it } from 'vitest';
import type { AffectedPackage, AffectedRange, RangeEvent } from '../model/advisory.js';
import { schemeFor } from '../versions/index.js';
import { evaluateAffected, evaluateRange } from './range.js';

const semver = schemeFor('npm')!;
const dpkg = schemeFor('Debian')!;
const pypi = schemeFor('PyPI')!;

function range(type: AffectedRange['type'], ...events: RangeEvent[]): AffectedRange {
  return { type, events };
}

function affected(ranges: AffectedRange[], versions: string[] = []): AffectedPackage {
  return { ecosystem: 'npm', name: 'x', ranges, versions, severity: [] };
}

describe('OSV range evaluation', () => {
  it.each([
    // introduced 0 means every version up to the fix
    [[{ introduced: '0' }, { fixed: '1.2.3' }], '0.0.1', true],
    [[{ introduced: '0' }, { fixed: '1.2.3' }], '1.2.2', true],
    [[{ introduced: '0' }, { fixed: '1.2.3' }], '1.2.3', false],
    [[{ introduced: '0' }, { fixed: '1.2.3' }], '2.0.0', false],
    // a pre-release of the fixed version is still before it
    [[{ introduced: '1.0.0' }, { fixed: '1.2.3' }], '1.2.3-rc.1', true],
    [[{ introduced: '1.0.0' }, { fixed: '1.2.3' }], '0.9.9', false],
    // last_affected includes its own version
    [[{ introduced: '1.0.0' }, { last_affected: '1.4.0' }], '1.4.0', true],
    [[{ introduced: '1.0.0' }, { last_affected: '1.4.0' }], '1.4.1', false],
    // introduced with no end: everything from there on
    [[{ introduced: '2.0.0' }], '99.0.0', true],
    [[{ introduced: '2.0.0' }], '1.9.9', false],
    // several intervals in one range, events unsorted (OSV says they need not be sorted)
    [[{ fixed: '1.5.0' }, { introduced: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '2.1.0' }], '1.4.9', true],
    [[{ fixed: '1.5.0' }, { introduced: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '2.1.0' }], '1.7.0', false],
    [[{ fixed: '1.5.0' }, { introduced: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '2.1.0' }], '2.0.5', true],
    [[{ fixed: '1.5.0' }, { introduced: '2.0.0' }, { introduced: '1.0.0' }, { fixed: '2.1.0' }], '2.1.0', false],
    // limit caps the range from above
    [[{ introduced: '0' }, { limit: '1.5.0' }], '1.4.0', true],
    [[{ introduced: '0' }, { limit: '1.5.0' }], '1.5.0', false],
  ] as Array<[RangeEvent[], string, boolean]>)('SEMVER %j at %s → %s', (events, version, expected) => {
    expect(evaluateRange(range('SEMVER', ...events), version, semver).affected).toBe(expected);
  });

  it('reports the fix that ends the interval holding the version', () => {
    const r = range('SEMVER', { introduced: '1.0.0' }, { fixed: '1.5.0' }, { introduced: '2.0.0' }, { fixed: '2.1.0' });
    expect(evaluateRange(r, '2.0.5', semver)).toMatchObject({ affected: true, fixed: '2.1.0' });
    expect(evaluateRange(r, '1.2.0', semver)).toMatchObject({ affected: true, fixed: '1.5.0' });
  });

  it('compares ECOSYSTEM ranges with the ecosystem scheme (dpkg: epochs and tildes)', () => {
    const r = range('ECOSYSTEM', { introduced: '0' }, { fixed: '3.0.11-1~deb12u2' });
    expect(evaluateRange(r, '3.0.11-1~deb12u1', dpkg).affected).toBe(true);
    expect(evaluateRange(r, '3.0.11-1~deb12u2', dpkg).affected).toBe(false);
    expect(evaluateRange(r, '3.0.11-1', dpkg).affected).toBe(false);
    expect(evaluateRange(range('ECOSYSTEM', { introduced: '0' }, { fixed: '1:2.0-1' }), '9.9-1', dpkg).affected).toBe(true);
  });

  it('uses PEP 440 ordering for PyPI (pre-releases, post-releases)', () => {
    const r = range('ECOSYSTEM', { introduced: '0' }, { fixed: '3.1.5' });
    expect(evaluateRange(r, '3.1.5rc1', pypi).affected).toBe(true);
    expect(evaluateRange(r, '3.1.4.post1', pypi).affected).toBe(true);
    expect(evaluateRange(r, '3.1.5', pypi).affected).toBe(false);
  });

  it('matches explicit versions lists exactly, and never by GIT ranges', () => {
    const pkg = affected([range('GIT', { introduced: '0' }, { fixed: 'abc123' })], ['1.0.0', '1.0.1']);
    expect(evaluateAffected(pkg, '1.0.1', { ecosystem: semver, semver }).affected).toBe(true);
    expect(evaluateAffected(pkg, '1.0.2', { ecosystem: semver, semver }).affected).toBe(false);
  });

  it('gives the lowest fix that leaves every overlapping range', () => {
    const pkg = affected([
      range('SEMVER', { introduced: '0' }, { fixed: '1.2.0' }),
      range('SEMVER', { introduced: '1.1.0' }, { fixed: '1.3.0' }),
    ]);
    expect(evaluateAffected(pkg, '1.1.5', { ecosystem: semver, semver })).toMatchObject({ affected: true, fixed: '1.3.0' });
    // 1.2.0 would still be inside the second range.
    expect(evaluateAffected(pkg, '1.0.0', { ecosystem: semver, semver })).toMatchObject({ affected: true, fixed: '1.3.0' });
  });

  it('has no fix to give when the range is open-ended or ends with last_affected', () => {
    const pkg = affected([range('SEMVER', { introduced: '0' }, { last_affected: '2.0.0' })]);
    const verdict = evaluateAffected(pkg, '1.0.0', { ecosystem: semver, semver });
    expect(verdict.affected).toBe(true);
    expect('fixed' in verdict && verdict.fixed).toBeFalsy();
  });
});
