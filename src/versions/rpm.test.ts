import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderOf, runConformance } from './conformance.js';
import { rpm } from './rpm.js';
import { runSchemeContract } from './scheme-contract.js';

const part = (chars: string, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...chars.split('')), minLength: 1, maxLength });

const arbitraryRpm = fc
  .tuple(fc.option(fc.nat(3)), part('0123456789.a~^_+zB', 7), fc.option(part('0123456789.elB~^', 5)))
  .map(([epoch, version, release]) => `${epoch === null ? '' : `${epoch}:`}${version}${release === null ? '' : `-${release}`}`);

runSchemeContract(rpm, {
  valid: ['1.0', '1.0-1', '1.0-1.el9', '1:1.0-1', '1.0~rc1', '1.0^git1', '2.0.1a', 'xyz.4', '1.0-', '0:3.10.0-229.el7', 'a:1', '1.0_1'],
  invalid: ['', '-1', '1:', '1:-1', '1.0 -1', '1.0\n'],
  arbitrary: arbitraryRpm,
});

describe('rpm ordering', () => {
  it.each([
    ['1.0~rc1', '<', '1.0'],
    ['1.0^git1', '>', '1.0'],
    ['1.0^git1', '<', '1.0.1'],
    ['1.0~rc1^git1', '>', '1.0~rc1'],
    ['2.0.1', '<', '2.0.1a'],
    ['1.0a', '<', '1.0.1'],
    ['1:1.0', '>', '2.0'],
    ['0:1.0-1', '=', '1.0-1'],
    ['1.0010', '=', '1.10'],
    ['1.0-1.el9', '<', '1.0-1.el9_2'],
    // rpm.vercmp("1.0", "1.0-1") is -1 too: a missing release sorts before any release.
    ['1.0', '<', '1.0-1'],
    ['1.0', '<', '1.0-'],
    ['a:1', '<', 'b:1'], // not an epoch: rpm only reads digits before ':' as one
  ] as const)('%s %s %s', (a, relation, b) => {
    expect(rpm.compare(a, b)).toBe(orderOf(relation));
  });

  it('exposes epoch, version and release', () => {
    expect(rpm.parse('2:1.1.1k-7.el8_6')).toEqual({ epoch: '2', version: '1.1.1k', release: '7.el8_6' });
    expect(rpm.parse('1.0')).toEqual({ epoch: '0', version: '1.0' });
  });
});

describe('rpm against rpm.vercmp', () => {
  const hasRpm = spawnSync('rpm', ['--version']).status === 0;
  it.skipIf(!hasRpm)('agrees on 400 random pairs (skipped when rpm is not installed)', () => {
    const pairs = fc.sample(fc.tuple(arbitraryRpm, arbitraryRpm), { numRuns: 400, seed: 20240601 });
    // One rpm process answers them all; its Lua print adds no newline, so collect and join.
    const calls = pairs.map(([a, b]) => `r[#r+1] = rpm.vercmp(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
    const script = `r = {} ${calls.join(' ')} print(table.concat(r, ' '))`;
    const result = spawnSync('rpm', ['--eval', `%{lua: ${script}}`], { encoding: 'utf8' });
    const answers = result.stdout.trim().split(' ').map(Number);
    expect(answers).toHaveLength(pairs.length);
    pairs.forEach(([a, b], index) => {
      expect(rpm.compare(a, b), `${a} vs ${b}`).toBe(answers[index]);
    });
  });
});

runConformance(rpm, [
  { file: 'scalibr/redhat-versions.txt', format: 'scalibr' },
  { file: 'tests/data/rpmvercmp.at', format: 'rpmvercmp' },
]);
