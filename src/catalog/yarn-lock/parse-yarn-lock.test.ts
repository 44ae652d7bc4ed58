import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, recordingContext } from '../../../test/harness/catalog.js';
import { yarnLockCataloger } from './index.js';
import { nameFromSpecifier, parseYarnLockText, readBerryResolution } from './parse-yarn-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/javascript-yarnlock/', import.meta.url));

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseYarnLockText(text, ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}`), packages, skipped, warnings };
}

describe('yarn-lock cataloger', () => {
  it('reads a classic lockfile: multi-specifier and quoted headers, scopes, aliases, git and file sources', async () => {
    const result = await catalogTester()
      .fromDirectory('yarn-lock/classic')
      .withCatalogers(yarnLockCataloger)
      .expectsPackages([
        '@babel/code-frame@7.22.13 pkg:npm/%40babel/code-frame@7.22.13',
        'types-react@19.0.0-rc.1 pkg:npm/types-react@19.0.0-rc.1',
        'chalk@2.4.2 pkg:npm/chalk@2.4.2',
        'ansi-styles@3.2.1 pkg:npm/ansi-styles@3.2.1',
        'ansi-styles@4.3.0 pkg:npm/ansi-styles@4.3.0',
        'left-pad@1.3.0 pkg:npm/left-pad@1.3.0',
        'local-helpers@0.2.0 pkg:npm/local-helpers@0.2.0',
      ]);
    expect(result.warnings).toEqual([]);
    // yarn.lock does not record development-only dependencies.
    expect(result.packages.every((p) => p.development === undefined && p.ecosystem === 'npm')).toBe(true);
    const types = result.packages.find((p) => p.name === 'types-react')!;
    expect(types.metadata).toMatchObject({ alias: '@types/react' });
    expect(result.packages.find((p) => p.name === 'chalk')!.metadata).toMatchObject({
      resolved: 'https://registry.yarnpkg.com/chalk/-/chalk-2.4.2.tgz#cd42541677a54333cf541a49108c1432b44c9424',
      integrity: expect.stringMatching(/^sha512-/),
    });
  });

  it('reads a Berry lockfile: skips workspaces, links and portals, folds a patch into its base package', async () => {
    const result = await catalogTester()
      .fromDirectory('yarn-lock/berry')
      .withCatalogers(yarnLockCataloger)
      .expectsPackages([
        'express@4.18.2 pkg:npm/express@4.18.2',
        'ms@2.0.0 pkg:npm/ms@2.0.0',
        'resolve@1.22.8 pkg:npm/resolve@1.22.8',
        'string-width@4.2.3 pkg:npm/string-width@4.2.3',
      ]);
    expect(result.warnings).toEqual([]);
    expect(result.packages.find((p) => p.name === 'string-width')!.metadata).toMatchObject({ alias: 'string-width-cjs' });
  });

  it('skips malformed entries and warns about a Berry file that is not YAML', async () => {
    const result = await catalogTester()
      .fromDirectory('yarn-lock/malformed')
      .withCatalogers(yarnLockCataloger)
      .expectsPackages(['good@1.0.0 pkg:npm/good@1.0.0', 'also-good@2.1.4 pkg:npm/also-good@2.1.4']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 2, path: '/a/yarn.lock' }),
      expect.objectContaining({ code: 'UNREADABLE_LOCKFILE', path: '/b/yarn.lock' }),
    ]);
  });

  it('marks development-only packages by what package.json beside a classic lockfile reaches through it', async () => {
    const result = await catalogTester()
      .fromDirectory('yarn-lock/classic-project')
      .withCatalogers(yarnLockCataloger)
      .expectsPackages([
        'debug@2.6.9 pkg:npm/debug@2.6.9',
        'debug@4.3.4 pkg:npm/debug@4.3.4',
        'express@4.18.2 pkg:npm/express@4.18.2',
        'fsevents@2.3.3 pkg:npm/fsevents@2.3.3',
        'left-pad@1.3.0 pkg:npm/left-pad@1.3.0',
        'mocha@10.2.0 pkg:npm/mocha@10.2.0',
        'ms@2.0.0 pkg:npm/ms@2.0.0',
        'ms@2.1.2 pkg:npm/ms@2.1.2',
        'stale@1.0.0 pkg:npm/stale@1.0.0',
        'supports-color@8.1.1 pkg:npm/supports-color@8.1.1',
      ]);
    expect(result.warnings).toEqual([]);
    const development = result.packages.filter((p) => p.development).map((p) => `${p.name}@${p.version}`);
    // ms 2.0.0 is a devDependency, but express needs it at run time; an alias and an optional
    // dependency are run-time roots; an entry nothing reaches is left unmarked.
    expect(development.sort()).toEqual(['debug@4.3.4', 'mocha@10.2.0', 'ms@2.1.2', 'supports-color@8.1.1']);
    expect(result.packages.filter((p) => p.development !== undefined && p.development !== true)).toEqual([]);
  });

  it("marks a Berry monorepo's packages by each workspace's package.json, through patch entries", async () => {
    const result = await catalogTester()
      .fromDirectory('yarn-lock/berry-workspaces')
      .withCatalogers(yarnLockCataloger)
      .expectsPackages([
        'is-core-module@2.13.1 pkg:npm/is-core-module@2.13.1',
        'ms@2.1.3 pkg:npm/ms@2.1.3',
        'resolve@1.22.8 pkg:npm/resolve@1.22.8',
        'typescript@5.4.5 pkg:npm/typescript@5.4.5',
      ]);
    expect(result.warnings).toEqual([]);
    // ms is both a dependency and a devDependency of @repo/api: it is needed at run time.
    expect(result.packages.filter((p) => p.development).map((p) => p.name).sort()).toEqual(['is-core-module', 'resolve', 'typescript']);
  });

  it("marks a classic monorepo's packages by the package.json of every folder its workspaces patterns name", async () => {
    const result = await catalogTester()
      .fromDirectory('yarn-lock/classic-workspaces')
      .withCatalogers(yarnLockCataloger)
      .expectsPackages(['debug@2.6.9 pkg:npm/debug@2.6.9', 'left-pad@1.3.0 pkg:npm/left-pad@1.3.0', 'ms@2.0.0 pkg:npm/ms@2.0.0']);
    expect(result.warnings).toEqual([]);
    // ms is the root's devDependency, but packages/api needs it at run time through debug; an
    // installed package's package.json under node_modules (which tools/** reaches) is no workspace.
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['left-pad']);
  });

  it('leaves packages unmarked when the projects cannot all be read: a workspace pattern it does not follow, a package.json that is not JSON', async () => {
    const pattern = await catalogTester().fromDirectory('yarn-lock/classic-workspace-negation').withCatalogers(yarnLockCataloger).expectsPackages(['ms@2.0.0 pkg:npm/ms@2.0.0']);
    expect(pattern.warnings).toEqual([]);
    expect(pattern.packages[0]!.development).toBeUndefined();
    const unreadable = await catalogTester().fromDirectory('yarn-lock/unreadable-project').withCatalogers(yarnLockCataloger).expectsPackages(['ms@2.0.0 pkg:npm/ms@2.0.0']);
    expect(unreadable.packages[0]!.development).toBeUndefined();
    expect(unreadable.warnings).toEqual([
      expect.objectContaining({ code: 'UNREADABLE_PROJECT', path: '/srv/app/yarn.lock', message: expect.stringContaining('/srv/app/package.json beside yarn.lock is not JSON') }),
    ]);
  });

  it.each([
    ['a@^1.0.0', { name: 'a', range: '^1.0.0' }],
    ['@s/a@npm:^1', { name: '@s/a', range: 'npm:^1' }],
    ['alias@npm:real@^2', { name: 'real', range: 'npm:^2' }],
    ['alias@npm:@s/real@^2', { name: '@s/real', range: 'npm:^2' }],
    ['bare-name', { name: 'bare-name', range: '' }],
    ['@scope-only', undefined],
    ['has space@1', undefined],
  ])('specifier %s', (specifier, expected) => {
    expect(nameFromSpecifier(specifier)).toEqual(expected);
  });

  it.each([
    ['a@npm:1.2.3', { name: 'a', reference: 'npm:1.2.3' }],
    ['@s/a@npm:1.2.3', { name: '@s/a', reference: 'npm:1.2.3' }],
    ['typescript@patch:typescript@npm%3A5.4.5#optional!builtin<compat/typescript>::version=5.4.5&hash=5adc0c', { name: 'typescript', reference: 'npm:5.4.5' }],
    ['a@patch:a@npm%3A%ZZ#x', undefined],
    ['no-at-sign', undefined],
  ])('resolution %s', (resolution, expected) => {
    expect(readBerryResolution(resolution)).toEqual(expected);
  });

  it('reads CRLF line ends and a byte order mark', () => {
    expect(summary('\uFEFF# yarn lockfile v1\r\n\r\na@^1:\r\n  version "1.0.1"\r\n').lines).toEqual(['a@1.0.1']);
  });

  it.each([
    ['an unknown alias', '__metadata:\n  version: 8\n"a@npm:1": *nowhere\n'],
    ['an alias bomb', `__metadata:\n  version: 8\na: &a ["x","x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\n`],
  ])('warns about a Berry file with %s', (_name, text) => {
    const result = summary(text);
    expect(result.packages).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['UNREADABLE_LOCKFILE']);
  });

  it('never throws on arbitrary text, classic or Berry', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        summary(text);
        summary(`__metadata:\n  version: 8\n${text}`);
      }),
    );
  });

  it('never throws on mutated real entries', () => {
    const base = '"@a/b@^1", c@2:\n  version "1.0.0"\n  resolved "https://x/y.tgz#00"\n  dependencies:\n    d "^1"\n';
    fc.assert(
      fc.property(fc.nat(base.length), fc.string({ maxLength: 12 }), (at, insert) => {
        summary(base.slice(0, at) + insert + base.slice(at));
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared real-world yarn.lock files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    // Expected from the format's rules: one package per entry, named by its resolution (Berry) or
    // its header with aliases resolved (classic), at the entry's `version`; workspace:, link: and
    // portal: entries are the project's own folders.
    it.each([
      ['empty.v1.lock', []],
      ['empty.v2.lock', []],
      ['metadata-only.v2.lock', []],
      ['one-package.v1.lock', ['balanced-match@1.0.2']],
      ['one-package.v2.lock', ['balanced-match@1.0.2']],
      ['no-version.v1.lock', ['balanced-match@1.0.2']],
      ['two-packages.v1.lock', ['concat-map@0.0.1', 'concat-stream@1.6.2']],
      ['two-packages.v2.lock', ['compare-func@2.0.0', 'concat-map@0.0.1']],
      ['with-quotes.v1.lock', ['concat-map@0.0.1', 'concat-stream@1.6.2']],
      ['with-quotes.v2.lock', ['compare-func@2.0.0', 'concat-map@0.0.1']],
      ['multiple-constraints.v1.lock', ['domelementtype@1.3.1', '@babel/code-frame@7.12.13']],
      ['multiple-versions.v1.lock', ['define-properties@1.1.3', 'define-property@0.2.5', 'define-property@1.0.0', 'define-property@2.0.2']],
      ['multiple-versions.v2.lock', ['debug@4.3.3', 'debug@2.6.9', 'debug@3.2.7']],
      ['scoped-packages.v1.lock', ['@babel/code-frame@7.12.11', '@babel/compat-data@7.14.0']],
      ['scoped-packages.v2.lock', ['@babel/cli@7.16.8', '@babel/code-frame@7.16.7', '@babel/compat-data@7.16.8']],
      ['with-aliases.v1.lock', ['ansi-regex@5.0.1', 'ansi-regex@6.0.1', '@babel/helper-validator-identifier@7.22.20']],
      ['with-aliases.v2.lock', ['ansi-regex@5.0.1', 'ansi-regex@6.0.1', '@babel/helper-validator-identifier@7.22.20']],
      ['with-build-string.v1.lock', ['domino@2.1.6+git', 'tslib@2.6.2']],
      ['with-build-string.v2.lock', ['domino@2.1.6+git', 'tslib@2.6.2']],
      ['with-prerelease.v1.lock', ['css-tree@1.0.0-alpha.37', 'gensync@1.0.0-beta.2', 'node-fetch@3.0.0-beta.9', 'resolve@1.20.0', 'resolve@2.0.0-next.3']],
      ['with-prerelease.v2.lock', ['@nicolo-ribaudo/chokidar-2@2.1.8-no-fsevents.3', 'gensync@1.0.0-beta.2']],
      ['exclude-root.v2.lock', ['ansi-regex@6.1.0']],
      ['files.v1.lock', ['etag@1.8.1', 'filedep@1.2.0', 'lodash@1.3.1', 'other_package@0.0.2', 'sprintf-js@0.0.0']],
      ['files.v2.lock', ['my-package@0.0.2']],
      [
        'commits.v2.lock',
        [
          '@my-scope/my-first-package@0.0.6',
          'my-second-package@0.2.2',
          '@typegoose/typegoose@7.2.0',
          'vuejs@2.5.0',
          'my-third-package@0.16.1-dev',
          'my-node-sdk@1.1.0',
          'is-really-great@1.0.0',
        ],
      ],
    ])('%s', (name, expected) => {
      const result = read(name);
      expect(result.lines).toEqual(expected);
      expect(result.skipped).toEqual([]);
      expect(result.warnings).toEqual([]);
    });

    it('commits.v1.lock: every git entry at the version its package.json gave', () => {
      const result = read('commits.v1.lock');
      expect(result.lines).toHaveLength(18);
      expect(result.lines).toEqual(
        expect.arrayContaining(['mine4@0.0.2', 'mine4@0.0.4', '@bower_components/angular-animate@1.4.14', 'minimist@0.0.8', 'is-number@2.0.0', 'is-number@5.0.0']),
      );
      expect(result.skipped).toEqual([]);
    });
  });
});
