import fc from 'fast-check';
import nodeSemver from 'semver';
import { describe, expect, it } from 'vitest';
import { orderOf, runConformance, type VectorException } from './conformance.js';
import { runSchemeContract } from './scheme-contract.js';
import { semver } from './semver.js';

const identifier = fc.oneof(fc.stringMatching(/^(0|[1-9][0-9]{0,2})$/), fc.stringMatching(/^[0-9]?[a-zA-Z-][0-9a-zA-Z-]{0,3}$/));
const arbitrarySemver = fc
  .tuple(fc.nat(3), fc.nat(3), fc.nat(12), fc.array(identifier, { maxLength: 3 }), fc.array(identifier, { maxLength: 2 }))
  .map(([major, minor, patch, pre, build]) =>
    `${major}.${minor}.${patch}${pre.length ? `-${pre.join('.')}` : ''}${build.length ? `+${build.join('.')}` : ''}`,
  );

runSchemeContract(semver, {
  valid: ['0', '1.0.0', 'v1.2.3', '1.2', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0+build.5', '2.0.0-0', '10.20.30'],
  invalid: ['', 'x', '1.2.3.4', '1.2.3-', '1.2.3+', '1.2.3-a..b', '1.2.3 ', '1..2', 'v', '1.2.3-α'],
  arbitrary: arbitrarySemver,
});

describe('semver ordering', () => {
  it.each([
    ['1.0.0-alpha', '<', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '<', '1.0.0-alpha.beta'],
    ['1.0.0-beta.2', '<', '1.0.0-beta.11'],
    ['1.0.0-rc.1', '<', '1.0.0'],
    ['1.0.0+a', '=', '1.0.0+b'],
    ['1.0.0-1', '<', '1.0.0-a'],
    ['v1.2.3', '=', '1.2.3'],
    ['1.2', '=', '1.2.0'],
    ['0', '<', '0.0.1-0'],
    ['1.2.3-R2', '<', '1.2.3-r100'], // ASCII order: upper case first
    ['18446744073709551616.0.0', '>', '18446744073709551615.0.0'],
  ] as const)('%s %s %s', (a, relation, b) => {
    expect(semver.compare(a, b)).toBe(orderOf(relation));
  });

  it('agrees with node-semver on strict versions', () => {
    fc.assert(
      fc.property(arbitrarySemver, arbitrarySemver, (a, b) => {
        expect(semver.compare(a, b), `${a} vs ${b}`).toBe(nodeSemver.compare(a, b));
      }),
      { numRuns: 3000 },
    );
  });
});

const exceptions: VectorException[] = [
  {
    vector: '1.1.3.4.5 = 1.1.3.4.5',
    ours: 'rejected',
    witness: "node-semver (npm's parser) and Cargo's semver crate both refuse a fourth component: semver.valid('1.1.3.4.5') === null",
  },
];

runConformance(semver, [{ file: 'scalibr/semver-versions.txt', format: 'scalibr' }], exceptions);
