import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderOf, runConformance, type VectorException } from './conformance.js';
import { maven } from './maven.js';
import { runSchemeContract } from './scheme-contract.js';

// Shaped like published versions: dotted numbers, then qualifiers after '-' or attached to a
// number ('1.0rc1'), or a dotted release marker ('1.0.RELEASE'). Arbitrary mixes can make
// ComparableVersion itself intransitive (see maven.ts), which is not ours to fix.
const qualifierName = fc.constantFrom('alpha', 'a', 'beta', 'b', 'm', 'milestone', 'rc', 'cr', 'snapshot', 'SNAPSHOT', 'ga', 'final', 'sp', 'foo', 'jre');
const arbitraryMaven = fc
  .tuple(
    fc.array(fc.nat(12), { minLength: 1, maxLength: 4 }),
    fc.array(fc.tuple(fc.constantFrom('-', ''), qualifierName, fc.option(fc.nat(12))), { maxLength: 2 }),
    fc.constantFrom('', '.RELEASE', '.Final', '-SNAPSHOT'),
  )
  .map(([numbers, qualifiers, marker]) =>
    [numbers.join('.'), ...qualifiers.map(([sep, name, n]) => `${sep || (name.length === 1 ? '' : '-')}${name}${n === null ? '' : `${sep === '-' ? '-' : ''}${n}`}`), marker].join(''),
  );

runSchemeContract(maven, {
  valid: ['1', '1.0', '1.0.0', '1-SNAPSHOT', '1.0-alpha-1', '1.0a1', '1.0-beta-2', '1.0-rc1', '1.0-cr1', '1.0.RELEASE', '1.0-sp1', '1.0-foo', '2.0.0.Final', '1-1', '1.0-m1', 'r09'],
  invalid: ['', '1.0 ', '[1.0,2.0)', '${project.version}', '1.0\n'],
  arbitrary: arbitraryMaven,
});

describe('maven ordering', () => {
  it.each([
    ['1-alpha', '<', '1-beta'],
    ['1-beta', '<', '1-milestone'],
    ['1-milestone', '<', '1-rc'],
    ['1-rc', '=', '1-cr'],
    ['1-rc', '<', '1-snapshot'],
    ['1-snapshot', '<', '1'],
    ['1', '=', '1-ga'],
    ['1', '=', '1.0.0-final'],
    ['1', '=', '1-release'],
    ['1', '<', '1-sp'],
    ['1-sp', '<', '1-abc'],
    ['1-abc', '<', '1-abd'],
    ['1.0a1', '=', '1.0-alpha-1'],
    ['1.0b1', '=', '1.0-beta-1'],
    ['1.0m1', '=', '1.0-milestone-1'],
    ['1.0-a', '>', '1.0'], // 'a' means alpha only before a number
    ['1.0.RELEASE', '=', '1.0'],
    ['2.0.0.Final', '=', '2.0.0'],
    ['1-1', '<', '1.1'],
    ['1.0.0.1', '>', '1'],
    ['1.0-SNAPSHOT', '<', '1.0'],
    ['1.0', '<', '1.0-1'],
    ['1.0-1', '<', '1.0.1'],
    ['12345678901234567890', '<', '12345678901234567891'],
    // ComparableVersion's own cycle, kept as Maven has it (see maven.ts):
    ['1.sec10', '<', '1alpha'],
    ['1alpha', '<', '1'],
    ['1', '<', '1.sec10'],
  ] as const)('%s %s %s', (a, relation, b) => {
    expect(maven.compare(a, b)).toBe(orderOf(relation));
  });
});

const exceptions: VectorException[] = [
  {
    vector: '1-1 = 1-ga-1',
    ours: '>',
    witness:
      "Maven 3.8/3.9 ComparableVersion: '1-ga-1' parses to [1, [[1]]] ('ga' is trimmed as a release marker but its list stays) " +
      "and a list sorts below the number in '1-1' = [1, [1]]; only Maven 4's combination items read 'ga-1' as 'ga1'",
  },
];

runConformance(
  maven,
  [
    { file: 'scalibr/maven-versions.txt', format: 'scalibr' },
    { file: 'scalibr/maven-versions-generated.txt', format: 'scalibr' },
    { file: 'tests/data/schema/maven_version_cmp.json', format: 'univers' },
  ],
  exceptions,
);
