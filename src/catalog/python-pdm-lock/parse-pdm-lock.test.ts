import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { pythonPdmLockCataloger } from './index.js';
import { parsePdmLock, parsePdmLockText } from './parse-pdm-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/python-pdmlock/', import.meta.url));

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parsePdmLockText(text, ctx);
  const lines = packages.map((p) => `${p.name}@${p.version}${p.development === true ? ' dev' : p.development === false ? ' run' : ''}`);
  return { packages, lines, skipped, warnings };
}

describe('python-pdm-lock cataloger', () => {
  it('judges groups with the pyproject.toml beside the lock, and by PDM’s "dev" name without one', async () => {
    const result = await catalogTester()
      .fromDirectory('python-pdm-lock/app')
      .withCatalogers(pythonPdmLockCataloger)
      .expectsPackages([
        'click@8.1.7 pkg:pypi/click@8.1.7',
        'httpx@0.28.1 pkg:pypi/httpx@0.28.1',
        'idna@3.10 pkg:pypi/idna@3.10',
        'iniconfig@2.0.0 pkg:pypi/iniconfig@2.0.0',
        'mkdocs@1.6.1 pkg:pypi/mkdocs@1.6.1',
        'mypy@1.13.0 pkg:pypi/mypy@1.13.0',
        'psycopg@3.2.3 pkg:pypi/psycopg@3.2.3',
        'pygments@2.18.0 pkg:pypi/pygments@2.18.0',
        'pytest@8.3.4 pkg:pypi/pytest@8.3.4',
        'ruff@0.8.4 pkg:pypi/ruff@0.8.4',
      ]);
    expect(result.warnings).toEqual([]);
    // lint ([dependency-groups]) and test ([tool.pdm.dev-dependencies]) are dev; postgres is an extra; docs is unknown.
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['iniconfig', 'mypy', 'pygments', 'pytest', 'ruff']);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('pygments')).toEqual({
      name: 'pygments',
      version: '2.18.0',
      type: 'pypi',
      purl: 'pkg:pypi/pygments@2.18.0',
      ecosystem: 'PyPI',
      development: true,
      metadata: {
        originalName: 'Pygments',
        groups: 'test',
        sourceUrl: 'https://github.com/pygments/pygments.git',
        sourceReference: '0f4a2d1c9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49',
      },
      locations: [{ path: '/srv/tool/pdm.lock' }],
      foundBy: 'python-pdm-lock',
    });
    expect(byName.get('pytest')!.metadata).toEqual({ groups: 'test', markers: 'python_version >= "3.10"' });
    expect(byName.get('mkdocs')!.development).toBeUndefined();
  });

  it('skips malformed entries', async () => {
    const result = await catalogTester()
      .fromDirectory('python-pdm-lock/malformed')
      .withCatalogers(pythonPdmLockCataloger)
      .expectsPackages(['good@1.0 pkg:pypi/good@1.0']);
    expect(result.warnings.map((w) => `${w.code} ${w.path} ${w.count}`)).toEqual(['MALFORMED_RECORD /a/pdm.lock 2']);
  });

  it('reads pyproject.toml through open(), and survives one that is not TOML', async () => {
    const lock = '[[package]]\nname = "a"\nversion = "1"\ngroups = ["tools"]\n';
    const withGroups = await parsePdmLock(
      memoryFile('/p/pdm.lock', lock, { '/p/pyproject.toml': '[dependency-groups]\ntools = ["a"]\n' }),
      recordingContext().ctx,
    );
    expect(withGroups[0]!.development).toBe(true);
    const broken = await parsePdmLock(memoryFile('/p/pdm.lock', lock, { '/p/pyproject.toml': '[broken' }), recordingContext().ctx);
    expect(broken[0]!.development).toBeUndefined();
  });

  it('never throws on arbitrary text or arbitrary values in entries', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void summary(text)));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        for (const key of ['name', 'version', 'groups', 'marker', 'git', 'revision', 'editable']) {
          summary(`[[package]]\nname = "a"\nversion = "1"\n${key} = ${JSON.stringify(value)}\n`);
        }
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared pdm.lock files (no pyproject.toml beside them)', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it.each([
      ['empty-file.toml', []],
      ['empty.toml', []],
      ['single-package.toml', ['toml@0.10.2 run']],
      ['two-packages.toml', ['six@1.16.0 run', 'toml@0.10.2 run']],
      ['git-dependency.toml', ['toml@0.10.2 run']],
      ['names-outside-package-block.toml', ['first-pkg@1.0.0 run', 'second-pkg@2.0.0 run']],
      ['dev-dependency.toml', ['pyroute2@0.7.11 dev', 'toml@0.10.2 run', 'win-inet-pton@1.1.0 dev']],
      // "tmp" could be an extra or a dev group: the lock alone cannot say.
      ['optional-dependency.toml', ['pyroute2@0.7.11', 'toml@0.10.2 run', 'win-inet-pton@1.1.0']],
    ])('%s', (name, expected) => {
      const { lines, skipped, warnings } = read(name);
      expect(lines).toEqual(expected);
      expect([skipped, warnings]).toEqual([[], []]);
    });

    it('git-dependency.toml keeps the repository and revision', () => {
      expect(read('git-dependency.toml').packages[0]!.metadata).toEqual({
        groups: 'default',
        sourceUrl: 'https://github.com/uiri/toml.git',
        sourceReference: '65bab7582ce14c55cdeec2244c65ea23039c9e6f',
      });
    });

    it('not-toml.txt: a warning, no packages', () => {
      const { packages, warnings } = read('not-toml.txt');
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_LOCKFILE']);
    });
  });
});
