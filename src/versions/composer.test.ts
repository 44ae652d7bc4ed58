import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composer } from './composer.js';
import { orderOf, runConformance, type VectorException } from './conformance.js';
import { runSchemeContract } from './scheme-contract.js';

const arbitraryComposer = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', 'v'),
      fc.array(fc.nat(12), { minLength: 1, maxLength: 4 }),
      fc.option(fc.tuple(fc.constantFrom('-', '', '.'), fc.constantFrom('alpha', 'a', 'beta', 'b', 'RC', 'rc', 'patch', 'pl', 'p', 'stable'), fc.option(fc.nat(5)))),
      fc.constantFrom('', '-dev', '.dev'),
    )
    .map(([v, numbers, modifier, dev]) =>
      `${v}${numbers.join('.')}${modifier === null ? '' : `${modifier[0]}${modifier[1]}${modifier[2] ?? ''}`}${dev}`,
    ),
  fc.constantFrom('dev-main', 'dev-feature-1', 'dev-feature-2', 'master', '1.x-dev', '2.1.x-dev', '20240101', '2024.01.02.3'),
);

runSchemeContract(composer, {
  valid: ['1', '1.0', '1.0.0', 'v1.2.3', '1.0.0-dev', '1.0-dev', '1.0a1', '1.0.0-beta2', '1.0.0-RC1', '1.0pl1', '1.0.0-patch1', 'dev-main', 'dev-foo', '2.x-dev', '1.0.0+build', '20240101', '1.0.0-stable'],
  invalid: ['', 'foo', '1.2.3.#', '123456789012345678901234', '1.0.0-1', 'dev-', '1.0.0.0.0', '999999999999999999999999999991', '4.3-2RC1'],
  arbitrary: arbitraryComposer,
});

describe('composer ordering', () => {
  it.each([
    ['1.0.0-dev', '<', '1.0.0-alpha1'],
    ['1.0.0-alpha1', '<', '1.0.0-beta1'],
    ['1.0.0-beta1', '<', '1.0.0-RC1'],
    ['1.0.0-RC1', '=', '1.0.0rc1'],
    ['1.0.0-RC1', '<', '1.0.0'],
    ['1.0.0', '<', '1.0.0-patch1'],
    ['1.0.0-pl1', '=', '1.0.0-p1'],
    ['1.0', '=', '1.0.0.0'],
    ['v1.0.0', '=', '1.0.0'],
    ['1.0.0+build', '=', '1.0.0'],
    ['1.0.0-stable', '=', '1.0.0'],
    ['1.25.0-beta2.1', '=', '1.25.0-b.2.1'],
    ['dev-foo', '<', '1.0.0-dev'],
    ['dev-bar', '>', 'dev-foo'], // PHP reads 'bar' by its prefix 'b', beta; 'foo' ranks lowest
    ['dev-foo', '<', 'dev-fop'], // what version_compare calls equal, the name decides
    ['master', '=', 'dev-master'],
    ['2.1.x-dev', '>', '2.1.5'],
    ['2.1.x-dev', '<', '2.2.0-dev'],
  ] as const)('%s %s %s', (a, relation, b) => {
    expect(composer.compare(a, b)).toBe(orderOf(relation));
  });

  it.each([
    ['v3.0', '3.0.0.0'],
    ['v4-beta4', '4.0.0.0-beta4'],
    ['v6.5.0-beta-0', '6.5.0.0-beta0'],
    ['v1.9.0-ALPHA.1', '1.9.0.0-alpha1'],
    ['5.1.0-stable', '5.1.0.0'],
    ['1.0.0-RC1', '1.0.0.0-RC1'],
    ['1.0pl1', '1.0.0.0-patch1'],
    ['2010-01-02', '2010.01.02'],
    ['1.0-dev', '1.0.0.0-dev'],
  ])('normalises %s to %s', (version, normalized) => {
    expect(composer.parse(version)?.normalized).toBe(normalized);
  });

  it('keeps the normalised form', () => {
    expect(composer.parse('v1.2-beta.3')).toEqual({ normalized: '1.2.0.0-beta3', branch: false });
    expect(composer.parse('1.x-dev')).toEqual({ normalized: '1.9999999.9999999.9999999-dev', branch: false });
    expect(composer.parse('dev-main')).toEqual({ normalized: 'dev-main', branch: true });
  });
});

// scalibr's Packagist table mixes raw PHP version_compare tests with Composer versions. Composer
// never compares raw strings: VersionParser::normalize runs first (Comparator is used on its
// output), so these answers follow from normalize's documented rules.
const NORMALIZED = 'Composer VersionParser::normalize then version_compare:';
const INVALID = "Composer's VersionParser::normalize throws UnexpectedValueException 'Invalid version string'";
const refusedByComposer = [
  '4.3-2RC1 < 4.3-2RC2',
  '4.3-2RC2 > 4.3-2beta5',
  '4.3-2 > 4.3-2beta1',
  '1.2.3.# = 1.2.3',
  '1.2.3.# = 1.2.3.#',
  '1.2.3.# = 1.2.3.1',
  '1.2.3.#.1 > 1.2.3',
  '1.2.3.#.p3 > 1.2.3',
  '1.2.3.#.beta < 1.2.3',
  '999999999999999999999999999991 < 999999999999999999999999999999',
  '999999999999999999999999999991.999999999999999999999999999991.999999999999999999999999999991 < 999999999999999999999999999999.999999999999999999999999999991.999999999999999999999999999991',
  '0.0.1-test1 < 3.0.0-alpha4',
  '3.0.0b1 < 3.0.0b1.post1',
  '3.0.0b1.post1 < 3.0.0b1.post2',
  '3.0.0b1.post2 < 3.0.0b2',
  '3.0.0b2 < 3.0.0b2.post1',
  '3.0.0b2.post1 < 3.0.0b2.post2',
  '3.0.0b2.post2 < 3.0.0b3',
  '3.1.0 < 3.1.0.post1',
  '3.1.0.post1 < 3.2.0rc1',
  '3.2.0rc1 < 3.2.0rc1.post1',
  '3.2.0rc1.post1 < 3.2.0rc2',
  '3.4.0 < 3.5.0.post1',
  '3.5.0.post1 < 3.5.1',
  '3.5.2 < 3.5.2.post1',
  '3.5.2.post1 < 3.6.0',
  '1.5 < 1.5.1.dev100',
  '1.5.1.dev100 < 1.5.1.dev101',
  '1.5.1.dev101 < 1.5.1a1',
];
const exceptions: VectorException[] = [
  { vector: '1.0.0 > 1.0', ours: '=', witness: `${NORMALIZED} normalize gives 1.0.0.0 for both; the vector is raw PHP version_compare('1.0.0', '1.0')` },
  { vector: 'v3.0 < v3.0.0-beta', ours: '>', witness: `${NORMALIZED} normalize gives 3.0.0.0 and 3.0.0.0-beta: a beta sorts below its release` },
  { vector: 'v3.4 < v3.4.0-alpha', ours: '>', witness: `${NORMALIZED} normalize gives 3.4.0.0 and 3.4.0.0-alpha: an alpha sorts below its release` },
  { vector: 'v4-beta4 < v4.0-alpha', ours: '>', witness: `${NORMALIZED} normalize gives 4.0.0.0-beta4 and 4.0.0.0-alpha: beta sorts above alpha` },
  { vector: 'v1.9.0-ALPHA.1 = v1.9.0-BETA.1', ours: '<', witness: `${NORMALIZED} normalize reads stabilities case-insensitively: 1.9.0.0-alpha1 and 1.9.0.0-beta1` },
  { vector: 'v1.9.0-BETA.1 < v1.9.0-ALPHA.2', ours: '>', witness: `${NORMALIZED} normalize reads stabilities case-insensitively: 1.9.0.0-beta1 and 1.9.0.0-alpha2` },
  { vector: 'v1.9.0-ALPHA.2 = v1.9.0-BETA.2', ours: '<', witness: `${NORMALIZED} normalize reads stabilities case-insensitively: 1.9.0.0-alpha2 and 1.9.0.0-beta2` },
  { vector: '5.1.0-stable < 5.1.0-beta2', ours: '>', witness: `${NORMALIZED} normalize drops '-stable': 5.1.0.0 and 5.1.0.0-beta2` },
  { vector: 'v4.4 < v4.4.0-beta', ours: '>', witness: `${NORMALIZED} normalize gives 4.4.0.0 and 4.4.0.0-beta: a beta sorts below its release` },
  { vector: 'v6.5 < v6.5.0-beta-0', ours: '>', witness: `${NORMALIZED} normalize gives 6.5.0.0 and 6.5.0.0-beta0: a beta sorts below its release` },
  { vector: 'v6.6 < v6.6.0-beta', ours: '>', witness: `${NORMALIZED} normalize gives 6.6.0.0 and 6.6.0.0-beta: a beta sorts below its release` },
  ...refusedByComposer.map((vector): VectorException => ({ vector, ours: 'rejected', witness: INVALID })),
];

runConformance(
  composer,
  [
    { file: 'scalibr/packagist-versions.txt', format: 'scalibr' },
    { file: 'scalibr/packagist-versions-generated.txt', format: 'scalibr' },
  ],
  exceptions,
);
