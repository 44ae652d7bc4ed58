import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { pythonUvLockCataloger } from './index.js';
import { parseUvLock, parseUvLockText } from './parse-uv-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/python-uvlock/', import.meta.url));

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseUvLockText(text, ctx);
  const lines = packages.map((p) => `${p.name}@${p.version}${p.development === true ? ' dev' : p.development === false ? ' run' : ''}`);
  return { packages, lines, skipped, warnings };
}

describe('python-uv-lock cataloger', () => {
  it('leaves out the project and workspace members; dev is what only dev groups reach', async () => {
    const result = await catalogTester()
      .fromDirectory('python-uv-lock/app')
      .withCatalogers(pythonUvLockCataloger)
      .expectsPackages([
        'acme-sdk@2.0.0 pkg:pypi/acme-sdk@2.0.0',
        'anyio@4.7.0 pkg:pypi/anyio@4.7.0',
        'h2@4.1.0 pkg:pypi/h2@4.1.0',
        'httpx@0.28.1 pkg:pypi/httpx@0.28.1',
        'idna@3.10 pkg:pypi/idna@3.10',
        'iniconfig@2.0.0 pkg:pypi/iniconfig@2.0.0',
        'orphan@1.0.0 pkg:pypi/orphan@1.0.0',
        'pytest@8.3.4 pkg:pypi/pytest@8.3.4',
        'ruff@0.8.4 pkg:pypi/ruff@0.8.4',
        'sniffio@1.3.1 pkg:pypi/sniffio@1.3.1',
      ]);
    expect(result.warnings).toEqual([]);
    // anyio is in the dev group too, but httpx needs it at run time; h2 comes with httpx's http2 extra.
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['iniconfig', 'pytest', 'ruff']);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('ruff')).toEqual({
      name: 'ruff',
      version: '0.8.4',
      type: 'pypi',
      purl: 'pkg:pypi/ruff@0.8.4',
      ecosystem: 'PyPI',
      development: true,
      metadata: { sourceType: 'git', sourceUrl: 'https://github.com/astral-sh/ruff?tag=0.8.4#84748be16341b76e073d117329f7f5f4ee2941ad' },
      locations: [{ path: '/srv/svc/uv.lock' }],
      foundBy: 'python-uv-lock',
    });
    expect(byName.get('acme-sdk')!.metadata).toEqual({ sourceType: 'registry', sourceUrl: 'https://pypi.example.com/simple' });
    expect(byName.get('httpx')!.metadata).toBeUndefined();
    // Nothing reaches orphan: the lock does not say what it is for.
    expect(byName.get('orphan')!.development).toBeUndefined();
  });

  it('skips malformed entries and warns about a package key that is no array', async () => {
    const result = await catalogTester()
      .fromDirectory('python-uv-lock/malformed')
      .withCatalogers(pythonUvLockCataloger)
      .expectsPackages(['good@1.0 pkg:pypi/good@1.0']);
    expect(result.warnings.map((w) => `${w.code} ${w.path}${w.count ? ` ${w.count}` : ''}`)).toEqual([
      'MALFORMED_RECORD /a/uv.lock 2',
      'UNREADABLE_LOCKFILE /b/uv.lock',
    ]);
  });

  it('follows a versioned edge to the one version it names', () => {
    const lock = [
      '[[package]]\nname = "p"\nversion = "0.1"\nsource = { editable = "." }\ndependencies = [{ name = "a", version = "2.0" }]',
      '[package.dev-dependencies]\ndev = [{ name = "a", version = "1.0" }]',
      '[[package]]\nname = "a"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }',
      '[[package]]\nname = "a"\nversion = "2.0"\nsource = { registry = "https://pypi.org/simple" }',
    ].join('\n');
    expect(summary(lock).lines).toEqual(['a@1.0 dev', 'a@2.0 run']);
  });

  it('survives dependency cycles', () => {
    const lock = [
      '[[package]]\nname = "p"\nversion = "0.1"\nsource = { virtual = "." }\ndependencies = [{ name = "a" }]',
      '[[package]]\nname = "a"\nversion = "1"\ndependencies = [{ name = "b", extra = ["x"] }]',
      '[[package]]\nname = "b"\nversion = "1"\ndependencies = [{ name = "a" }]\n[package.optional-dependencies]\nx = [{ name = "b", extra = ["x"] }]',
    ].join('\n');
    expect(summary(lock).lines).toEqual(['a@1 run', 'b@1 run']);
  });

  it('reads through the CatalogFile interface', async () => {
    const packages = await parseUvLock(memoryFile('/p/uv.lock', '[[package]]\nname = "Zope.Interface"\nversion = "6.0"\n'), recordingContext().ctx);
    expect(packages.map((p) => p.purl)).toEqual(['pkg:pypi/zope-interface@6.0']);
  });

  it('never throws on arbitrary text or arbitrary values in entries', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void summary(text)));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const v = JSON.stringify(value);
        for (const key of ['name', 'version', 'source', 'dependencies', 'optional-dependencies', 'dev-dependencies']) {
          summary(`[[package]]\nname = "p"\nversion = "1"\nsource = { editable = "." }\ndependencies = [{ name = "p", extra = ["x"] }]\n${key === 'source' ? '' : `${JSON.stringify(key)} = ${v}`}\n`);
          summary(`[[package]]\nname = "a"\nversion = "1"\n${JSON.stringify(key)} = ${v}\n`);
        }
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared uv.lock files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it.each([
      ['empty.lock', []],
      ['no-packages.lock', []],
      // Only the project itself.
      ['no-dependencies.lock', []],
      ['one-package.lock', ['emoji@2.14.0 run']],
      ['two-packages.lock', ['emoji@2.14.0 run', 'protobuf@4.25.5 run']],
      ['source-git.lock', ['ruff@0.8.1 run']],
      // No project entry: nothing to judge development by.
      ['names-outside-package-block.lock', ['first-pkg@1.0.0', 'second-pkg@2.0.0']],
    ])('%s', (name, expected) => {
      const { lines, skipped, warnings } = read(name);
      expect(lines).toEqual(expected);
      expect([skipped, warnings]).toEqual([[], []]);
    });

    it('grouped-packages.lock: extras ship with the project, so all fourteen are run time', () => {
      const { lines, skipped, warnings } = read('grouped-packages.lock');
      expect([skipped, warnings]).toEqual([[], []]);
      expect(lines).toEqual([
        'black@24.10.0 run',
        'click@8.1.7 run',
        'colorama@0.4.6 run',
        'emoji@2.14.0 run',
        'flake8@7.1.1 run',
        'mccabe@0.7.0 run',
        'mypy-extensions@1.0.0 run',
        'packaging@24.2 run',
        'pathspec@0.12.1 run',
        'platformdirs@4.3.6 run',
        'pycodestyle@2.12.1 run',
        'pyflakes@3.2.0 run',
        'tomli@2.2.1 run',
        'typing-extensions@4.12.2 run',
      ]);
    });

    it('source-git.lock keeps the git source', () => {
      expect(read('source-git.lock').packages[0]!.metadata).toEqual({
        sourceType: 'git',
        sourceUrl: 'https://github.com/astral-sh/ruff#84748be16341b76e073d117329f7f5f4ee2941ad',
      });
    });

    it('not-toml.txt: a warning, no packages', () => {
      const { packages, warnings } = read('not-toml.txt');
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_LOCKFILE']);
    });
  });
});
