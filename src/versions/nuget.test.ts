import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderOf, runConformance, type VectorException } from './conformance.js';
import { nuget } from './nuget.js';
import { runSchemeContract } from './scheme-contract.js';

const label = fc.oneof(fc.nat(12).map(String), fc.constantFrom('alpha', 'Alpha', 'BETA', 'beta', 'rc', 'RC', 'preview', 'a-b'));
const arbitraryNuGet = fc
  .tuple(fc.array(fc.nat(5), { minLength: 1, maxLength: 4 }), fc.array(label, { maxLength: 3 }), fc.option(fc.constantFrom('sha.1', 'Build')))
  .map(([numbers, labels, metadata]) =>
    `${numbers.join('.')}${labels.length ? `-${labels.join('.')}` : ''}${metadata === null ? '' : `+${metadata}`}`,
  );

runSchemeContract(nuget, {
  valid: ['1', '1.0', '1.0.0', '1.0.0.1', '1.0.0-beta', '1.0.0-BETA.2', '1.0.0-rc.1+sha.abc', '1.0.01', '2.0.0+build', '1.0.0-1'],
  invalid: ['', '1.0.0.0.0', '1.0.0-', '1.0.0+', 'a', '1.0.0-beta_1', '2147483648.0', ' 1.0'],
  arbitrary: arbitraryNuGet,
});

describe('nuget ordering', () => {
  it.each([
    ['1.0', '=', '1.0.0.0'],
    ['1.0.01', '=', '1.0.1'],
    ['1.0.0-BETA', '=', '1.0.0-beta'],
    ['1.0.0', '=', '1.0.0+meta'],
    ['1.0.0-beta', '<', '1.0.0'],
    ['1.0.0-beta', '<', '1.0.0-beta.1'],
    ['1.0.0-beta.2', '<', '1.0.0-beta.10'],
    ['1.0.0-2', '<', '1.0.0-beta'],
    ['1.0.0', '<', '1.0.0.1'],
    ['1.0.0.1-alpha', '>', '1.0.0'],
  ] as const)('%s %s %s', (a, relation, b) => {
    expect(nuget.compare(a, b)).toBe(orderOf(relation));
  });
});

const INT32 = 'NuGetVersion.TryParse fails: each version number is an Int32 (at most 2147483647)';
const exceptions: VectorException[] = [
  { vector: '999999999999999999999999999991 < 999999999999999999999999999999', ours: 'rejected', witness: INT32 },
  {
    vector:
      '999999999999999999999999999991.999999999999999999999999999991.999999999999999999999999999991 < 999999999999999999999999999999.999999999999999999999999999991.999999999999999999999999999991',
    ours: 'rejected',
    witness: INT32,
  },
];

runConformance(
  nuget,
  [
    { file: 'scalibr/nuget-versions.txt', format: 'scalibr' },
    { file: 'tests/data/schema/nuget_version_cmp.json', format: 'univers' },
  ],
  exceptions,
);
