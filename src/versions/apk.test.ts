import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apk } from './apk.js';
import { orderOf, runConformance, type VectorException } from './conformance.js';
import { runSchemeContract } from './scheme-contract.js';

const digits = fc.stringMatching(/^[0-9]{1,3}$/);
const arbitraryApk = fc
  .tuple(
    fc.array(digits, { minLength: 1, maxLength: 4 }),
    fc.option(fc.constantFrom('a', 'b', 'z')),
    fc.array(fc.tuple(fc.constantFrom('alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p'), fc.option(digits)), { maxLength: 2 }),
    fc.option(fc.stringMatching(/^[0-9a-f]{1,4}$/)),
    fc.option(digits),
  )
  .map(([numbers, letter, suffixes, hash, revision]) =>
    [
      numbers.join('.'),
      letter ?? '',
      suffixes.map(([name, n]) => `_${name}${n ?? ''}`).join(''),
      hash === null ? '' : `~${hash}`,
      revision === null ? '' : `-r${revision}`,
    ].join(''),
  );

runSchemeContract(apk, {
  valid: ['1', '1.0', '1.0-r1', '1.0_alpha', '1.0_alpha1', '1.0_rc1-r2', '1.0_p1', '1.0a', '1.0.1', '1.02', '1.0_git20240101', '2.8.0~abc12-r0', '1.0_alpha_beta2'],
  invalid: ['', 'a', '.1', '1..2', '1.0-r', '1.0-1', '1.0_blah', '1.0A', '1.0bc', '1.0a.1', '1.0-r1-r2', '1.0~', 'v1.0', '1.0 '],
  arbitrary: arbitraryApk,
});

describe('apk ordering', () => {
  it.each([
    ['1.0_alpha', '<', '1.0_beta'],
    ['1.0_beta', '<', '1.0_pre'],
    ['1.0_pre', '<', '1.0_rc'],
    ['1.0_rc1', '<', '1.0'],
    ['1.0', '<', '1.0_cvs'],
    ['1.0_cvs', '<', '1.0_svn'],
    ['1.0_svn', '<', '1.0_git'],
    ['1.0_git', '<', '1.0_hg'],
    ['1.0_hg', '<', '1.0_p1'],
    ['1.0_p1', '<', '1.0a'],
    ['1.0a', '<', '1.0.1'],
    ['1.0-r1', '<', '1.0_p1'],
    ['1.0', '<', '1.0-r1'],
    ['1.0-r1', '=', '1.0-r01'],
    ['1.02', '<', '1.1'], // a leading zero makes the component compare as text
    ['1.0', '<', '1.00'],
    ['1.0~abc-r1', '>', '1.0-r1'],
    ['1.0_rc1', '<', '1.0_rc1-r1'],
  ] as const)('%s %s %s', (a, relation, b) => {
    expect(apk.compare(a, b)).toBe(orderOf(relation));
  });
});

// Each witness is apk-tools 2.14's apk_version_validate (src/version.c), which `apk add` and
// abuild run before a version is accepted; scalibr's table records what `apk version -t`
// happens to print for such strings, which changed between apk releases (see its comments).
const REFUSED = 'apk-tools 2.14 apk_version_validate refuses it:';
const REVISION_DIGITS = `${REFUSED} '-r' must be followed by digits`;
const ONE_REVISION = `${REFUSED} a single '-r<digits>' may only end the version`;
const DOT_DIGITS = `${REFUSED} '.' must be followed by digits`;
const LOWER_CASE = `${REFUSED} the letter after a number must be lower case`;
const KNOWN_SUFFIX = `${REFUSED} '_' must start alpha, beta, pre, rc, cvs, svn, git, hg or p`;
const ONE_LETTER = `${REFUSED} at most one letter follows the numbers`;
const STARTS_WITH_DIGIT = `${REFUSED} a version starts with a digit`;

/** Vectors written for `apk version -t` on strings apk refuses to install: we reject them too. */
const exceptions: VectorException[] = [
  { vector: '1-r = 1-r0', ours: 'rejected', witness: REVISION_DIGITS },
  { vector: '1-r-0 < 1-r0', ours: 'rejected', witness: REVISION_DIGITS },
  { vector: '1-r-1 < 1-r0', ours: 'rejected', witness: REVISION_DIGITS },
  { vector: '0.r1 < 0r2', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '0..1..0 < 0..1..1', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '0...1...0 < 0...1...1', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '0...1...0.r1 < 0...1...0.r2', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '0...1...0r1 < 0...1...0r2', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '0..8 = 0..8', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '0..8 > 0...8', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '0.8.21.r2 > 0.8.21.r1', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '10.2.24.r0 > 10.2.22.r0', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '0.8.21.r2 < 0.8.21r2', ours: 'rejected', witness: DOT_DIGITS },
  { vector: '1.2.0A < 1.2.0d', ours: 'rejected', witness: LOWER_CASE },
  { vector: '1.2.0D < 1.2.0d', ours: 'rejected', witness: LOWER_CASE },
  { vector: '1-r2 > 1-r-1', ours: 'rejected', witness: REVISION_DIGITS },
  { vector: '1 > 1-ruff', ours: 'rejected', witness: ONE_REVISION },
  { vector: '1-r0-1 = 1-r-2', ours: 'rejected', witness: REVISION_DIGITS },
  { vector: '1-r0-1 = 1-r0-2', ours: 'rejected', witness: ONE_REVISION },
  { vector: '1-ruff2 = 1-ruff1', ours: 'rejected', witness: ONE_REVISION },
  { vector: '1-ruff2 = 1--ruff1', ours: 'rejected', witness: ONE_REVISION },
  { vector: '1-r0-ruff2 = 1-r0-ruff1', ours: 'rejected', witness: ONE_REVISION },
  { vector: '1.2 > 1.2_blah', ours: 'rejected', witness: KNOWN_SUFFIX },
  { vector: '1.2_svn1 > 1.2_csv2', ours: 'rejected', witness: KNOWN_SUFFIX },
  { vector: '1.2_cvs1 > 1.2_blah', ours: 'rejected', witness: KNOWN_SUFFIX },
  { vector: '.1 < 1', ours: 'rejected', witness: STARTS_WITH_DIGIT },
  { vector: '1 > .1', ours: 'rejected', witness: STARTS_WITH_DIGIT },
  { vector: '.2 > .1', ours: 'rejected', witness: STARTS_WITH_DIGIT },
  { vector: 'a < b', ours: 'rejected', witness: STARTS_WITH_DIGIT },
  { vector: 'c > b', ours: 'rejected', witness: STARTS_WITH_DIGIT },
  { vector: 'c = c', ours: 'rejected', witness: STARTS_WITH_DIGIT },
  { vector: '23_foo > 4_beta', ours: 'rejected', witness: KNOWN_SUFFIX },
  { vector: '1.0 < 1.0bc', ours: 'rejected', witness: ONE_LETTER },
];

runConformance(
  apk,
  [
    { file: 'scalibr/alpine-versions.txt', format: 'scalibr' },
    { file: 'scalibr/alpine-versions-generated.txt', format: 'scalibr' },
    { file: 'tests/data/schema/alpine_version_cmp.json', format: 'univers' },
    { file: 'tests/data/alpine_test.txt', format: 'apk-data' },
  ],
  exceptions,
);
