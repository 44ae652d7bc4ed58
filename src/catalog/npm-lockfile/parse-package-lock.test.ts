import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { npmLockfileCataloger } from './index.js';
import { nameFromInstallPath, parsePackageLock, parsePackageLockText } from './parse-package-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/javascript-packagelockjson/', import.meta.url));

/** "name@version" plus " dev" for development-only packages, in the parser's order. */
function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parsePackageLockText(text, ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}${p.development ? ' dev' : ''}`), packages, skipped, warnings };
}

describe('npm-lockfile cataloger', () => {
  it('reads a v3 lockfile: nested, scoped, aliased, dev, optional, bundled and workspace packages', async () => {
    const result = await catalogTester()
      .fromDirectory('npm-lockfile/v3-workspaces')
      .withCatalogers(npmLockfileCataloger)
      .expectsPackages([
        '@babel/code-frame@7.22.13 pkg:npm/%40babel/code-frame@7.22.13',
        '@shop/ui@0.3.0 pkg:npm/%40shop/ui@0.3.0',
        'ansi-regex@5.0.1 pkg:npm/ansi-regex@5.0.1',
        'debug@2.6.9 pkg:npm/debug@2.6.9',
        'fsevents@2.3.3 pkg:npm/fsevents@2.3.3',
        'has-flag@4.0.0 pkg:npm/has-flag@4.0.0',
        'mocha@10.2.0 pkg:npm/mocha@10.2.0',
        'ms@2.0.0 pkg:npm/ms@2.0.0',
        'ms@2.1.3 pkg:npm/ms@2.1.3',
        'strip-ansi@6.0.1 pkg:npm/strip-ansi@6.0.1',
        'supports-color@8.1.1 pkg:npm/supports-color@8.1.1',
      ]);
    expect(result.warnings).toEqual([]);
    const byId = new Map(result.packages.map((p) => [`${p.name}@${p.version}`, p]));
    expect(result.packages.filter((p) => p.development).map((p) => `${p.name}@${p.version}`).sort()).toEqual([
      'has-flag@4.0.0',
      'mocha@10.2.0',
      'ms@2.1.3',
    ]);
    // devOptional: needed by an optional run-time dependency as well, so not development-only.
    expect(byId.get('supports-color@8.1.1')).toMatchObject({ metadata: { optional: true } });
    expect(byId.get('supports-color@8.1.1')!.development).toBeUndefined();
    expect(byId.get('fsevents@2.3.3')).toMatchObject({ metadata: { optional: true }, licenses: ['MIT'] });
    expect(byId.get('has-flag@4.0.0')).toMatchObject({ metadata: { bundled: true } });
    expect(byId.get('strip-ansi@6.0.1')).toMatchObject({ metadata: { alias: 'strip-ansi-cjs' } });
    expect(byId.get('@shop/ui@0.3.0')).toMatchObject({ licenses: ['MIT'], ecosystem: 'npm', type: 'npm' });
    expect(byId.get('debug@2.6.9')).toMatchObject({
      ecosystem: 'npm',
      foundBy: 'npm-lockfile',
      locations: [{ path: '/srv/app/package-lock.json' }],
      metadata: { resolved: 'https://registry.npmjs.org/debug/-/debug-2.6.9.tgz' },
    });
  });

  it('reads a v1 shrinkwrap: the nested dependencies tree, aliases, and dev over non-dev copies', async () => {
    const result = await catalogTester()
      .fromDirectory('npm-lockfile/v1-nested')
      .withCatalogers(npmLockfileCataloger)
      .expectsPackages([
        '@types/node@8.10.66 pkg:npm/%40types/node@8.10.66',
        'body-parser@1.18.3 pkg:npm/body-parser@1.18.3',
        'debug@2.6.9 pkg:npm/debug@2.6.9',
        'fsevents@1.2.13 pkg:npm/fsevents@1.2.13',
        'left-pad@1.1.3 pkg:npm/left-pad@1.1.3',
        'ms@2.0.0 pkg:npm/ms@2.0.0',
        'nan@2.14.0 pkg:npm/nan@2.14.0',
        'qs@6.5.2 pkg:npm/qs@6.5.2',
      ]);
    const dev = result.packages.filter((p) => p.development).map((p) => p.name).sort();
    // qs is dev at the top but a run-time dependency of body-parser below: not development-only.
    expect(dev).toEqual(['@types/node', 'fsevents', 'nan']);
    expect(result.packages.find((p) => p.name === 'nan')!.metadata).toMatchObject({ bundled: true, optional: true });
    expect(result.packages.find((p) => p.name === 'left-pad')!.metadata).toMatchObject({ alias: 'left-pad-old' });
  });

  it('skips malformed entries and warns about a file that is not JSON', async () => {
    const result = await catalogTester()
      .fromDirectory('npm-lockfile/malformed')
      .withCatalogers(npmLockfileCataloger)
      .expectsPackages(['ok@1.0.0 pkg:npm/ok@1.0.0']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 3, path: '/app/package-lock.json' }),
      expect.objectContaining({ code: 'UNREADABLE_LOCKFILE', path: '/broken/package-lock.json' }),
    ]);
  });

  it('reads only lockfiles by their names', async () => {
    await catalogTester()
      .fromDirectory('npm-lockfile/v1-nested')
      .withCatalogers(npmLockfileCataloger)
      .expectsPathsRead(['/opt/legacy/npm-shrinkwrap.json']);
  });

  it.each([
    ['node_modules/a', 'a'],
    ['node_modules/@s/a', '@s/a'],
    ['node_modules/a/node_modules/@s/b', '@s/b'],
    ['packages/x/node_modules/c', 'c'],
    ['packages/x', undefined],
    ['foonode_modules/a', undefined],
    ['node_modules/@s', undefined],
  ])('install path %s names %s', (path, name) => {
    expect(nameFromInstallPath(path)).toBe(name);
  });

  it('names a nameless linked folder after its link', () => {
    const { lines } = summary(
      JSON.stringify({
        lockfileVersion: 3,
        packages: { '': {}, 'node_modules/local-lib': { resolved: 'libs/local', link: true }, 'libs/local': { version: '0.1.0' } },
      }),
    );
    expect(lines).toEqual(['local-lib@0.1.0']);
  });

  it.each([
    ['[]', 'UNREADABLE_LOCKFILE'],
    ['"text"', 'UNREADABLE_LOCKFILE'],
    ['{}', 'UNREADABLE_LOCKFILE'],
    ['{"lockfileVersion": 3, "packages": []}', undefined],
  ])('gives warnings, not packages, for %s', (text, code) => {
    const { packages, warnings } = summary(text);
    expect(packages).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(code ? [code] : []);
  });

  it('reads through the CatalogFile interface', async () => {
    const { ctx } = recordingContext();
    const file = memoryFile('/a/package-lock.json', '{"lockfileVersion":1,"dependencies":{"a":{"version":"1.0.0"}}}');
    expect((await parsePackageLock(file, ctx)).map((p) => p.purl)).toEqual(['pkg:npm/a@1.0.0']);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        parsePackageLockText(text, recordingContext().ctx);
      }),
    );
  });

  it('never throws on arbitrary JSON values in lockfile positions', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (packages, dependencies) => {
        parsePackageLockText(JSON.stringify({ lockfileVersion: 2, packages }), recordingContext().ctx);
        parsePackageLockText(JSON.stringify({ lockfileVersion: 1, dependencies }), recordingContext().ctx);
        parsePackageLockText(JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/a': packages } }), recordingContext().ctx);
      }),
    );
  });

  it('survives a v1 tree nested far deeper than any real one', () => {
    let tree: Record<string, unknown> = { leaf: { version: '1.0.0' } };
    for (let i = 0; i < 1000; i++) tree = { [`d${i}`]: { version: '1.0.0', dependencies: tree } };
    const { skipped, lines } = summary(JSON.stringify({ lockfileVersion: 1, dependencies: tree }));
    expect(lines.length).toBeGreaterThan(100);
    expect(skipped.length).toBeGreaterThan(0);
  });

  describe.skipIf(!existsSync(shared))('on the shared real-world package-lock files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    // Expected lists written from the format's rules: every install path (v2/v3) or tree node
    // (v1) with a version is a package; dev only where `dev: true`; one package per name@version.
    it.each([
      ['empty.v1.json', []],
      ['empty.v2.json', []],
      ['one-package.v1.json', ['wrappy@1.0.2']],
      ['one-package.v2.json', ['wrappy@1.0.2']],
      ['one-package-dev.v1.json', ['wrappy@1.0.2 dev']],
      ['one-package-dev.v2.json', ['wrappy@1.0.2 dev']],
      ['two-packages.v1.json', ['wrappy@1.0.2', 'supports-color@5.5.0']],
      ['two-packages.v2.json', ['wrappy@1.0.2', 'supports-color@5.5.0']],
      ['scoped-packages.v1.json', ['@babel/code-frame@7.0.0', 'wrappy@1.0.2']],
      ['scoped-packages.v2.json', ['@babel/code-frame@7.0.0', 'wrappy@1.0.2']],
      ['alias.v1.json', ['@babel/code-frame@7.0.0', 'string-width@5.1.2', 'string-width@4.2.0']],
      ['alias.v2.json', ['@babel/code-frame@7.0.0', 'string-width@5.1.2', 'string-width@4.2.0']],
      ['optional-package.v1.json', ['wrappy@1.0.2 dev', 'supports-color@5.5.0']],
      ['optional-package.v2.json', ['wrappy@1.0.2', 'supports-color@5.5.0']],
      ['bundled-dependencies.v3.json', ['ansi-regex@6.2.2', 'semver@7.7.2 dev', 'strip-ansi@7.1.2']],
      ['files.v1.json', ['lodash@1.3.1']],
      ['files.v2.json', ['abbrev@1.0.9 dev', 'abbrev@2.3.4 dev']],
      ['same-package-different-groups.v1.json', ['ajv@5.5.2', 'eslint@1.2.3 dev', 'table@1.0.0']],
      ['same-package-different-groups.v2.json', ['ajv@5.5.2', 'eslint@1.2.3 dev', 'table@1.0.0']],
      [
        'nested-dependencies.v1.json',
        ['postcss@6.0.23', 'postcss-calc@7.0.1', 'postcss@7.0.16', 'supports-color@6.1.0', 'supports-color@5.5.0'],
      ],
      [
        'nested-dependencies.v2.json',
        ['postcss@6.0.23', 'postcss-calc@7.0.1', 'postcss@7.0.16', 'supports-color@6.1.0', 'supports-color@5.5.0'],
      ],
      ['both/package-lock.json', ['wrappy@1.0.2', 'supports-color@5.5.0']],
      ['both/npm-shrinkwrap.json', ['wrappy@1.0.2', 'supports-color@5.5.0']],
      ['package-lock-only/package-lock.json', ['wrappy@1.0.2', 'supports-color@5.5.0']],
      ['npm-shrinkwrap-only/npm-shrinkwrap.json', ['wrappy@1.0.2', 'supports-color@5.5.0']],
    ])('%s', (name, expected) => {
      const result = read(name);
      expect(result.lines).toEqual(expected);
      expect(result.skipped).toEqual([]);
      expect(result.warnings).toEqual([]);
    });

    it('commits.v2.json: git dependencies carry their package version; one without a version is skipped', () => {
      const result = read('commits.v2.json');
      expect(result.lines).toEqual([
        '@segment/analytics.js-integration-facebook-pixel@2.4.1',
        'ansi-styles@1.0.0',
        'babel-preset-php@1.1.1 dev',
        'is-number-1@3.0.0 dev',
        'is-number-2@2.0.0 dev',
        'is-number-3@2.0.0 dev',
        'is-number-4@3.0.0 dev',
        'is-number-5@3.0.0 dev',
        'postcss-calc@7.0.1',
        'is-number-3@3.0.0 dev',
        'slick-carousel@1.7.1 dev',
      ]);
      expect(result.skipped).toEqual(['"node_modules/raven-js" has no version']);
      expect(result.packages.find((p) => p.name === 'slick-carousel')!.metadata!.resolved).toMatch(/^git\+ssh:/);
    });

    it('commits.v1.json: v1 records only the git URL, which is kept as the version', () => {
      const result = read('commits.v1.json');
      expect(result.packages).toHaveLength(15);
      expect(result.lines).toContain('ansi-styles@1.0.0');
      expect(result.lines).toContain(
        'slick-carousel@git://github.com/brianfryer/slick.git#280b560161b751ba226d50c7db1e0a14a78c2de0 dev',
      );
      expect(result.skipped).toEqual([]);
    });

    it('nested-dependencies-dup: every distinct name@version once', () => {
      for (const name of ['nested-dependencies-dup.v1.json', 'nested-dependencies-dup.v2.json']) {
        const document = JSON.parse(readFileSync(`${shared}${name}`, 'utf8'));
        const expected = new Set<string>();
        if (document.packages) {
          for (const [path, entry] of Object.entries<{ version: string; name?: string }>(document.packages)) {
            if (path) expected.add(`${entry.name ?? path.split('node_modules/').pop()}@${entry.version}`);
          }
        } else {
          const walk = (level: Record<string, { version: string; dependencies?: object }>) => {
            for (const [key, entry] of Object.entries(level)) {
              expected.add(`${key}@${entry.version}`);
              if (entry.dependencies) walk(entry.dependencies as never);
            }
          };
          walk(document.dependencies);
        }
        const result = read(name);
        expect(result.lines.map((l) => l.replace(/ dev$/, '')).sort()).toEqual([...expected].sort());
        expect(result.lines.length).toBeGreaterThan(1);
      }
      expect(read('nested-dependencies-dup.v1.json').lines).toContain('supports-color@2.0.0');
    });

    it.each(['not-json.txt', 'null.v2.jsontest'])('%s gives a warning, not a crash', (name) => {
      const result = read(name);
      expect(result.packages).toEqual([]);
      expect(result.warnings).toEqual([expect.objectContaining({ code: 'UNREADABLE_LOCKFILE' })]);
    });
  });
});
