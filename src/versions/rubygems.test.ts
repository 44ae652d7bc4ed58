import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderOf, runConformance, type VectorException } from './conformance.js';
import { rubygems } from './rubygems.js';
import { runSchemeContract } from './scheme-contract.js';

const segment = fc.oneof(fc.nat(12).map(String), fc.constantFrom('a', 'b', 'pre', 'rc', 'beta', 'alpha', '0'));
const arbitraryGem = fc
  .tuple(fc.nat(5), fc.array(fc.tuple(fc.constantFrom('.', '', '-'), segment), { maxLength: 4 }))
  .map(([first, rest]) => {
    let version = String(first);
    for (const [sep, seg] of rest) {
      // Segments may run together after the first '.' ('1.0a1'); one '-' starts the prerelease part.
      if (sep === '-' && version.includes('-')) version += `.${seg}`;
      else if (sep === '' && !/[.-]/.test(version)) version += `.${seg}`;
      else version += `${sep}${seg}`;
    }
    return version;
  });

runSchemeContract(rubygems, {
  valid: ['0', '1', '1.0', '1.0.0', '1.2.4.beta', '1.0.a10', '1.0.a.2', '3.2', '3.10', '1.0.0-rc1', '1.0.0.pre', '2.0.0.rc.1', '1.0beta2'],
  invalid: ['', '.1', 'a', '1beta', '1..0', '1.0-', '1.0 1', '1_0', 'v1.0'],
  arbitrary: arbitraryGem,
});

describe('rubygems ordering', () => {
  it.each([
    ['1.0.0.beta', '<', '1.0.0'],
    ['1.0.0.beta', '<', '1.0.0.beta.1'],
    ['1.0.0-rc1', '=', '1.0.0.pre.rc1'],
    ['1.0', '=', '1.0.0'],
    ['1.0.a', '=', '1.0.a.0'],
    ['1.0.a2', '=', '1.0.a.2'],
    ['1.0.b1', '>', '1.0.a.2'],
    ['3.10', '>', '3.2'],
    ['1.2.4.beta', '<', '1.2.4'],
    ['1.2.4.gamma', '<', '1.2.4'],
    [' 1.0 ', '=', '1.0'],
  ] as const)('%s %s %s', (a, relation, b) => {
    expect(rubygems.compare(a, b)).toBe(orderOf(relation));
  });

  it('marks versions with a letter as pre-releases', () => {
    expect(rubygems.parse('1.0.0.rc1')?.prerelease).toBe(true);
    expect(rubygems.parse('1.0.0')?.prerelease).toBe(false);
    expect(rubygems.parse('1.0.0')?.segments).toEqual([1n]);
  });
});

// Gem::Version.new raises "Malformed version number string" for these: its VERSION_PATTERN
// wants a '.' before anything that follows the first number.
const MALFORMED = "Gem::Version.correct?('1beta') is false: VERSION_PATTERN is [0-9]+(?>\\.[0-9a-zA-Z]+)*(-…)?";
const exceptions: VectorException[] = [
  { vector: '1 > 1beta', ours: 'rejected', witness: MALFORMED },
  { vector: '1 > 1gamma', ours: 'rejected', witness: MALFORMED },
];

runConformance(
  rubygems,
  [
    { file: 'scalibr/rubygems-versions.txt', format: 'scalibr' },
    { file: 'scalibr/rubygems-versions-generated.txt', format: 'scalibr' },
  ],
  exceptions,
);
