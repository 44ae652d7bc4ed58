import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderOf, runConformance, type VectorException } from './conformance.js';
import { pep440 } from './pep440.js';
import { runSchemeContract } from './scheme-contract.js';

const arbitraryPep440 = fc
  .tuple(
    fc.option(fc.nat(2), { freq: 5 }),
    fc.array(fc.nat(12), { minLength: 1, maxLength: 4 }),
    fc.option(fc.tuple(fc.constantFrom('a', 'b', 'rc', 'alpha', 'c', 'pre'), fc.nat(3))),
    fc.option(fc.nat(3)),
    fc.option(fc.nat(3)),
    fc.option(fc.constantFrom('ubuntu', '1', 'a.2', 'abc.1.x')),
  )
  .map(([epoch, release, pre, post, dev, local]) =>
    [
      epoch === null ? '' : `${epoch}!`,
      release.join('.'),
      pre === null ? '' : `${pre[0]}${pre[1]}`,
      post === null ? '' : `.post${post}`,
      dev === null ? '' : `.dev${dev}`,
      local === null ? '' : `+${local}`,
    ].join(''),
  );

runSchemeContract(pep440, {
  valid: ['0', '1.0', '1.0.0', '1!1.0', '1.0a1', '1.0b2', '1.0rc1', '1.0.post1', '1.0.dev1', '1.0a1.dev1', '1.0+local.1', '1.0-1', 'v1.0', '1.0.0.0.1', '2024.1'],
  invalid: ['', 'x', '1.0-bulbasaur', '1.0+', '1..0', '1.0a1a', 'dev', '1.0+local_', '99999999999999999999.0'],
  arbitrary: arbitraryPep440,
});

describe('pep440 ordering', () => {
  it.each([
    ['1.0.dev1', '<', '1.0a1'],
    ['1.0a1', '<', '1.0b1'],
    ['1.0b1', '<', '1.0rc1'],
    ['1.0rc1', '<', '1.0'],
    ['1.0', '<', '1.0.post1'],
    ['1.0', '<', '1.0+local'],
    ['1.0', '=', '1.0.0'],
    ['1.0c1', '=', '1.0rc1'],
    ['1!0.1', '>', '2.0'],
    ['1.0-1', '=', '1.0.post1'],
    [' 1.0 ', '=', '1.0'],
  ] as const)('%s %s %s', (a, relation, b) => {
    expect(pep440.compare(a, b)).toBe(orderOf(relation));
  });
});

describe('pep440 against packaging.version', () => {
  const python = spawnSync('python3', ['-c', 'import packaging.version'], { encoding: 'utf8' });
  it.skipIf(python.status !== 0)('agrees on 400 random pairs (skipped without Python packaging)', () => {
    const pairs = fc.sample(fc.tuple(arbitraryPep440, arbitraryPep440), { numRuns: 400, seed: 20240601 });
    const program = [
      'import json, sys',
      'from packaging.version import Version',
      'pairs = json.load(sys.stdin)',
      'print(json.dumps([(Version(a) > Version(b)) - (Version(a) < Version(b)) for a, b in pairs]))',
    ].join('\n');
    const result = spawnSync('python3', ['-c', program], { input: JSON.stringify(pairs), encoding: 'utf8' });
    const answers = JSON.parse(result.stdout) as number[];
    pairs.forEach(([a, b], index) => expect(pep440.compare(a, b), `${a} vs ${b}`).toBe(answers[index]));
  });
});

// Each vector below has a side that packaging.version.Version refuses with InvalidVersion
// (checked with packaging 26.2): LegacyVersion left packaging in 22.0, and pip and PyPI
// refuse these strings since. We reject them too.
const LEGACY = 'packaging.version.Version raises InvalidVersion (LegacyVersion was removed in packaging 22)';
const legacyVectors = [
  '0.1-bulbasaur < 0.1-charmander',
  '0.1-charmander < 0.9-doduo',
  '0.9-doduo < 0.9-eevee',
  '0.9-eevee < 0.9-fearow',
  '0.9-fearow < 0.9-gyarados',
  '0.9-gyarados < 0.9-horsea',
  '0.9-horsea < 0.9-ivysaur',
  '0.9-ivysaur < 1.0',
  '-class.-jw.util.version.version-pre < 1.0',
  '-class.-jw.util.version.version-preview < 1.0',
  '-class.-jw.util.version.version-dev < 1.0',
  '2.0.1rc2-git < 0.8',
  '0.7.1.fix1 < 0.7.4.svn.r2010',
  '0.7.4.svn.r2010 < 0.6.4',
  '2013-01-21T20:33:09+0100 < 2013-01-23T17:11:52+0100',
  '2013-01-23T17:11:52+0100 < 2013-02-01T20:50:46+0100',
  '2013-02-01T20:50:46+0100 < 2013-02-02T19:59:03+0100',
  '2013-02-02T19:59:03+0100 < 2013-02-02T20:23:17+0100',
  '2013-02-02T20:23:17+0100 < 2013-02-08T17:40:57+0000',
  '2013-02-08T17:40:57+0000 < 2013-03-27T16:32:26+0100',
  '2013-03-27T16:32:26+0100 < 2013-05-09T12:47:53+0200',
  '2013-05-09T12:47:53+0200 < 2013-05-10T17:55:56+0200',
  '2013-05-10T17:55:56+0200 < 2013-05-14T20:16:05+0200',
  '2013-05-14T20:16:05+0200 < 2013-06-01T10:32:51+0200',
  '2013-06-01T10:32:51+0200 < 2013-07-19T09:11:08+0000',
  '2013-07-19T09:11:08+0000 < 2013-08-12T21:48:56+0200',
  '2013-08-12T21:48:56+0200 < 2013-09-11T19-27-10',
  '2013-09-11T19-27-10 < 2013-12-23T17-51-15',
  '2013-12-23T17-51-15 < 2014-01-12T15-52-10',
  '2014-01-12T15-52-10 < 0.2016.3.21',
  '0.0.1-test1 < 3.0.0a4',
  '0.7.10p1 < 0.7.11p1',
  '0.7.11p1 < 0.7.11p2',
  '0.7.11p2 < 0.7.11p3',
  '0.7.11p3 < 0.8.1p1',
  '0.8.1p1 < 0.8.3p1',
  '0.8.3p1 < 0.8.4p1',
  '0.8.4p1 < 0.8.4p2',
  '0.8.4p2 < 0.8.6p1',
  '0.8.6p1 < 0.8.7p1',
  '0.8.7p1 < 0.7.3',
  '-class.-jw.util.version.Version- < 1.0.dev1',
  'trunk < 3.2.3',
  '0.3m1 < 0.3m2',
  '0.3m2 < 0.3m3',
  '0.3m3 < 0.3m4',
  '0.3m4 < 0.3m5',
  '0.3m5 < 0.4m1',
  '0.4m1 < 0.4m2',
  '0.4m2 < 0.4m3',
  '0.4m3 < 0.4m4',
  '0.4m4 < 0.4m5',
  '0.4m5 < 0.5m1',
  '0.5m1 < 0.5m2',
  '0.5m2 < 0.5m3',
  '0.5m3 < 0.5m4',
  '0.5m4 < 0.5m5',
  '0.5m5 < 0.6m1',
  '0.6m1 < 0.6m2',
  '0.6m2 < 0.6m3',
  '0.6m3 < 0.6m4',
  '0.6m4 < 0.6m5',
  '0.6m5 < 0.6m6',
  '0.6m6 < 0.2rc0',
  '1.3.1-STAGING < 0.0.1',
  '4.11-final < 5.0-final',
  '5.0-final < 5.1',
  'a3 < 2.0b1',
  '2.0.0-final < 0.10',
  '1.0beta6.1 < 1.0b6',
  '0.3.1-p1 < 0.4.0-p1',
  '0.4.0-p1 < 0.0.1',
];
const exceptions: VectorException[] = legacyVectors.map((vector) => ({ vector, ours: 'rejected', witness: LEGACY }));

runConformance(
  pep440,
  [
    { file: 'scalibr/pypi-versions.txt', format: 'scalibr' },
    { file: 'scalibr/pypi-versions-generated.txt', format: 'scalibr' },
  ],
  exceptions,
);
