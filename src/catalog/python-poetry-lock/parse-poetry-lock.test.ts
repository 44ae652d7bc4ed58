import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { pythonPoetryLockCataloger } from './index.js';
import { markedByProject, parsePoetryLock, parsePoetryLockText } from './parse-poetry-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/python-poetrylock/', import.meta.url));

/** "name@version" plus " dev" / " run" when the lock says which. */
function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parsePoetryLockText(text, ctx);
  const lines = packages.map((p) => `${p.name}@${p.version}${p.development === true ? ' dev' : p.development === false ? ' run' : ''}`);
  return { packages, lines, skipped, warnings };
}

describe('python-poetry-lock cataloger', () => {
  it('reads Poetry 2 groups and Poetry 1 categories, with sources kept in metadata', async () => {
    const result = await catalogTester()
      .fromDirectory('python-poetry-lock/app')
      .withCatalogers(pythonPoetryLockCataloger)
      .expectsPackages([
        'django@3.2.23 pkg:pypi/django@3.2.23',
        'factory-boy@3.3.0 pkg:pypi/factory-boy@3.3.0',
        'fastapi@0.115.6 pkg:pypi/fastapi@0.115.6',
        'internal-auth@1.4.0 pkg:pypi/internal-auth@1.4.0',
        'psycopg2-binary@2.9.10 pkg:pypi/psycopg2-binary@2.9.10',
        'pydantic@2.10.4 pkg:pypi/pydantic@2.10.4',
        'pytest@8.3.4 pkg:pypi/pytest@8.3.4',
      ]);
    expect(result.warnings).toEqual([]);
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['factory-boy', 'pytest']);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('internal-auth')).toEqual({
      name: 'internal-auth',
      version: '1.4.0',
      type: 'pypi',
      purl: 'pkg:pypi/internal-auth@1.4.0',
      ecosystem: 'PyPI',
      metadata: {
        groups: 'main',
        sourceType: 'git',
        sourceUrl: 'https://git.example.com/platform/internal-auth.git',
        sourceReference: '5f0c3b1a9d2e4f6a8b0c1d3e5f7a9b1c3d5e7f90',
      },
      locations: [{ path: '/srv/api/poetry.lock' }],
      foundBy: 'python-poetry-lock',
    });
    expect(byName.get('psycopg2-binary')!.metadata).toEqual({ optional: true, groups: 'main' });
    expect(byName.get('pytest')!.metadata).toEqual({ groups: 'dev,test' });
    expect(byName.get('factory-boy')!.metadata).toEqual({ originalName: 'factory_boy', groups: 'dev' });
  });

  it('skips malformed entries and warns about a lock that is not TOML', async () => {
    const result = await catalogTester()
      .fromDirectory('python-poetry-lock/malformed')
      .withCatalogers(pythonPoetryLockCataloger)
      .expectsPackages(['good@1.0.0 pkg:pypi/good@1.0.0']);
    expect(result.warnings.map((w) => `${w.code} ${w.path}${w.count ? ` ${w.count}` : ''}`)).toEqual([
      'MALFORMED_RECORD /a/poetry.lock 4',
      'UNREADABLE_LOCKFILE /b/poetry.lock',
    ]);
  });

  it('marks a lock-version 2.0 lock by what pyproject.toml beside it reaches through the lock: runtime, groups, requested extras', async () => {
    const result = await catalogTester().fromDirectory('python-poetry-lock/lock-2.0').withCatalogers(pythonPoetryLockCataloger).run();
    expect(result.warnings).toEqual([]);
    // Not the project's: what only the dev group reaches. Runtime wins for click (both ask for it);
    // requests' socks extra is asked for, so pysocks is runtime; chardet, behind an extra nobody
    // asks for, is not known to be development.
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['iniconfig', 'packaging', 'pluggy', 'pytest']);
    expect(result.packages).toHaveLength(19);
  });

  it('tells runtime from development from unknown at the parser, through groups, extras and optional dependencies', () => {
    const { ctx, warnings } = recordingContext();
    const entries = [
      { name: 'App-Core', version: '1', dependencies: { shared: '*', plugin: { version: '*', optional: true } }, extras: { full: ['plugin (>=1)'] } },
      { name: 'shared', version: '1' },
      { name: 'plugin', version: '1' },
      { name: 'lint', version: '1', dependencies: { shared: '*' } },
      { name: 'stale', version: '1' },
    ];
    const lock = entries.map((e) => `[[package]]\nname = "${e.name}"\nversion = "1"\n`).join('') + '[metadata]\nlock-version = "2.0"\n';
    const packages = parsePoetryLockText(lock, ctx);
    const marks = (pyproject: string) => Object.fromEntries(markedByProject(packages, entries, pyproject, ctx).map((p) => [p.name, p.development]));
    // PEP 621 runtime dependencies, a PEP 735 group.
    expect(marks('[project]\ndependencies = ["app_core >= 1"]\n[dependency-groups]\nlint = ["lint"]\n')).toEqual({ 'app-core': false, shared: false, plugin: undefined, lint: true, stale: undefined });
    // An extra asked for brings its optional dependency in.
    expect(marks('[tool.poetry.dependencies]\npython = "^3.12"\napp-core = { version = "*", extras = ["full"] }\n[tool.poetry.dev-dependencies]\nlint = "*"\n')).toEqual({
      'app-core': false,
      shared: false,
      plugin: false,
      lint: true,
      stale: undefined,
    });
    expect(warnings).toEqual([]);
  });

  it('leaves a lock-version 2.0 lock unmarked without a pyproject.toml, and warns about one that is not TOML', () => {
    const lock = '[[package]]\nname = "a"\nversion = "1"\n[metadata]\nlock-version = "2.0"\n';
    const { ctx, warnings } = recordingContext();
    const packages = parsePoetryLockText(lock, ctx);
    expect(markedByProject(packages, [{ name: 'a', version: '1' }], '[tool.poetry.dependencies]\na = "*"\n', ctx).map((p) => p.development)).toEqual([false]);
    expect(markedByProject(packages, [{ name: 'a', version: '1' }], 'not [toml', ctx).map((p) => p.development)).toEqual([undefined]);
    expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_PROJECT']);
  });

  it('a lock-version 2.0 entry (no category, no groups) is left unmarked', () => {
    expect(summary('[[package]]\nname = "a"\nversion = "1"\n[metadata]\nlock-version = "2.0"\n').lines).toEqual(['a@1']);
  });

  it.each([
    ['package = {}', 'UNREADABLE_LOCKFILE'],
    ['package = "x"', 'UNREADABLE_LOCKFILE'],
    ['x = 1', undefined],
    ['', undefined],
  ])('%j gives no packages', (text, code) => {
    const { packages, warnings } = summary(text);
    expect(packages).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(code ? [code] : []);
  });

  it('reads through the CatalogFile interface', async () => {
    const packages = await parsePoetryLock(memoryFile('/p/poetry.lock', '[[package]]\nname = "A_B"\nversion = "1.0"\ngroups = ["main"]\n'), recordingContext().ctx);
    expect(packages.map((p) => p.purl)).toEqual(['pkg:pypi/a-b@1.0']);
  });

  it('never throws on arbitrary text or arbitrary values in entries', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void summary(text)));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const v = JSON.stringify(value);
        for (const key of ['name', 'version', 'groups', 'category', 'source', 'optional']) {
          try {
            summary(`[[package]]\nname = "a"\nversion = "1"\n${key} = ${v}\n`);
          } catch (error) {
            throw new Error(`${key} = ${v}: ${String(error)}`);
          }
        }
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared poetry.lock files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it.each([
      ['empty-file.lock', []],
      ['empty.lock', []],
      ['one-package.lock', ['numpy@1.23.3 run']],
      ['one-package-with-metadata.lock', ['emoji@2.0.0 run']],
      ['optional-package.lock', ['numpy@1.23.3 run']],
      ['two-packages.lock', ['proto-plus@1.22.0 run', 'protobuf@4.21.5 run']],
      ['source-git.lock', ['ike@0.2.0 run']],
      ['source-legacy.lock', ['appdirs@1.4.4 run']],
      // Keys and text that look like names outside a [[package]] table's own name are not packages.
      ['names-outside-package-block.lock', ['first-pkg@1.0.0', 'second-pkg@2.0.0']],
      // Poetry 2 groups: outside "main" is development-only; two versions of proto-plus are two packages.
      [
        'multiple-packages.v2.lock',
        [
          'async-timeout@5.0.1 run',
          'factory-boy@3.3.1 dev',
          'faker@33.3.0 dev',
          'proto-plus@1.22.0 run',
          'proto-plus@1.23.0 run',
          'protobuf@4.25.5 run',
          'python-dateutil@2.9.0.post0 dev',
          'redis@5.2.1 run',
          'six@1.17.0 run',
          'typing-extensions@4.12.2 dev',
          'urllib3@2.3.0 dev',
        ],
      ],
    ])('%s', (name, expected) => {
      const { lines, skipped, warnings } = read(name);
      expect(lines).toEqual(expected);
      expect([skipped, warnings]).toEqual([[], []]);
    });

    it('keeps optional, source and group facts', () => {
      expect(read('optional-package.lock').packages[0]!.metadata).toEqual({ optional: true, groups: 'main' });
      expect(read('source-git.lock').packages[0]!.metadata).toEqual({
        groups: 'main',
        sourceType: 'git',
        sourceUrl: 'https://github.com/dzshn/ike',
        sourceReference: 'cd66602cd29f61a2d2e7fb995fef1e61708c034d',
      });
      expect(read('source-legacy.lock').packages[0]!.metadata).toMatchObject({ sourceType: 'legacy', sourceUrl: 'https://piwheels.org/simple' });
      expect(read('multiple-packages.v2.lock').packages.find((p) => p.name === 'six')!.metadata).toEqual({ groups: 'main,dev,test' });
    });

    it('not-toml.txt: a warning, no packages', () => {
      const { packages, warnings } = read('not-toml.txt');
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_LOCKFILE']);
    });
  });
});
