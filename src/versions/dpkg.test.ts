import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderOf, runConformance } from './conformance.js';
import { dpkg } from './dpkg.js';
import { runSchemeContract } from './scheme-contract.js';

const part = (chars: string, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...chars.split('')), maxLength });

const arbitraryDpkg = arbitraryDpkgVersion();

runSchemeContract(dpkg, {
  valid: ['0', '1.0', '1.0~rc1', '1.0-1', '1:0.9', '1.0+dfsg-2~bpo11+1', '2.7.4+reloaded2-13ubuntu1', '1.0a', '1.0-0', '10.0.0', '0:1.0'],
  invalid: ['', '1:', 'a:1', '1.0-', 'x1.0', '1.0 1', '-1', '1.0#', '1:2:3-a_b', '99999999999:1'],
  arbitrary: arbitraryDpkg,
});

function arbitraryDpkgVersion(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.option(fc.nat(5)), fc.nat(20), part('0123456789.+~abzAZ', 6), fc.option(part('0123456789.+~aZ', 5)))
    .map(([epoch, major, rest, revision]) =>
      `${epoch === null ? '' : `${epoch}:`}${major}${rest}${revision === null || revision === '' ? '' : `-${revision}`}`,
    );
}

describe('dpkg ordering', () => {
  it.each([
    ['1.0~rc1', '<', '1.0'],
    ['1.0~~', '<', '1.0~'],
    ['1.0', '<', '1.0a'],
    ['1.0a', '<', '1.0+'],
    ['1.0', '=', '1.0-0'],
    ['1.0', '=', '0:1.0'],
    ['1:0.1', '>', '9.9'],
    ['1.2.3-1~deb7u1', '<', '1.2.3-1'],
    ['2.7.4+reloaded2-13ubuntu1', '<', '2.7.4+reloaded2-13+deb9u1'],
    ['1.0-1', '<', '1.0-1.1'],
    ['1.01', '=', '1.1'],
    ['1:2.30-1', '>', '1:2.4-9'],
    ['1.0-a-b', '>', '1.0-a'], // the revision starts after the last hyphen
    ['99999999999999999999.0', '>', '9999999999999999999.0'],
  ] as const)('%s %s %s', (a, relation, b) => {
    const order = dpkg.compare(a, b);
    expect(order).toBe(orderOf(relation));
  });

  it('exposes epoch, upstream and revision', () => {
    expect(dpkg.parse('1:2.3-4ubuntu1')).toEqual({ epoch: '1', upstream: '2.3', revision: '4ubuntu1' });
  });
});

runConformance(dpkg, [
  { file: 'scalibr/debian-versions.txt', format: 'scalibr' },
  { file: 'scalibr/debian-versions-generated.txt', format: 'scalibr' },
  { file: 'tests/data/schema/deb_version_python_pkg_test.json', format: 'univers' },
]);

describe('dpkg against dpkg --compare-versions', () => {
  const hasDpkg = spawnSync('dpkg', ['--version']).status === 0;
  it.skipIf(!hasDpkg)('agrees on 300 random pairs (skipped when dpkg is not installed)', () => {
    const pairs = fc.sample(fc.tuple(arbitraryDpkg, arbitraryDpkg), { numRuns: 300, seed: 20240601 });
    for (const [a, b] of pairs) {
      const less = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
      const equal = spawnSync('dpkg', ['--compare-versions', a, 'eq', b]).status === 0;
      const oracle = less ? -1 : equal ? 0 : 1;
      expect(dpkg.compare(a, b), `${a} vs ${b}`).toBe(oracle);
    }
  });
});
