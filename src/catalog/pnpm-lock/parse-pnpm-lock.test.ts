import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, recordingContext } from '../../../test/harness/catalog.js';
import { pnpmLockCataloger } from './index.js';
import { parsePnpmLockText, parsePnpmPackageKey } from './parse-pnpm-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/javascript-pnpmlock/', import.meta.url));

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parsePnpmLockText(text, ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}${p.development ? ' dev' : ''}`), packages, skipped, warnings };
}

async function devLines(fixture: string) {
  const result = await catalogTester().fromDirectory(fixture).withCatalogers(pnpmLockCataloger).run();
  return result.packages.filter((p) => p.development).map((p) => `${p.name}@${p.version}`);
}

describe('pnpm-lock cataloger', () => {
  it('reads lockfile v5: "/name/version_peer" keys and dev flags', async () => {
    const result = await catalogTester()
      .fromDirectory('pnpm-lock/v5')
      .withCatalogers(pnpmLockCataloger)
      .expectsPackages([
        '@babel/code-frame@7.22.13 pkg:npm/%40babel/code-frame@7.22.13',
        'chalk@2.4.2 pkg:npm/chalk@2.4.2',
        'react-dom@18.2.0 pkg:npm/react-dom@18.2.0',
        'react@18.2.0 pkg:npm/react@18.2.0',
        'typescript@5.1.6 pkg:npm/typescript@5.1.6',
      ]);
    expect(result.warnings).toEqual([]);
    expect(await devLines('pnpm-lock/v5')).toEqual(['typescript@5.1.6']);
    expect(result.packages.find((p) => p.name === 'chalk')!).toMatchObject({
      ecosystem: 'npm',
      foundBy: 'pnpm-lock',
      metadata: { integrity: expect.stringMatching(/^sha512-/) },
    });
  });

  it('reads lockfile v6: "/name@version(peer)" keys and dev flags', async () => {
    await catalogTester()
      .fromDirectory('pnpm-lock/v6')
      .withCatalogers(pnpmLockCataloger)
      .expectsPackages([
        '@tanstack/query-core@4.29.19 pkg:npm/%40tanstack/query-core@4.29.19',
        '@tanstack/react-query@4.29.19 pkg:npm/%40tanstack/react-query@4.29.19',
        'react@18.2.0 pkg:npm/react@18.2.0',
        'vitest@0.34.1 pkg:npm/vitest@0.34.1',
      ]);
    expect(await devLines('pnpm-lock/v6')).toEqual(['vitest@0.34.1']);
  });

  it('reads lockfile v9 of a workspace: dev-only is what only devDependencies reach through the snapshots', async () => {
    const result = await catalogTester()
      .fromDirectory('pnpm-lock/v9-workspace')
      .withCatalogers(pnpmLockCataloger)
      .expectsPackages([
        'acorn-jsx@5.3.2 pkg:npm/acorn-jsx@5.3.2',
        'acorn@8.11.3 pkg:npm/acorn@8.11.3',
        'debug@4.3.4 pkg:npm/debug@4.3.4',
        'eslint@8.57.0 pkg:npm/eslint@8.57.0',
        'ms@2.1.2 pkg:npm/ms@2.1.2',
        'ms@2.1.3 pkg:npm/ms@2.1.3',
        'string-width@4.2.3 pkg:npm/string-width@4.2.3',
      ]);
    expect(result.warnings).toEqual([]);
    // debug is reached from eslint (dev) and from packages/server (run time): not dev-only.
    expect((await devLines('pnpm-lock/v9-workspace')).sort()).toEqual(['eslint@8.57.0', 'ms@2.1.3']);
  });

  it('skips keys that name no package and warns about a file that is not YAML', async () => {
    const result = await catalogTester()
      .fromDirectory('pnpm-lock/malformed')
      .withCatalogers(pnpmLockCataloger)
      .expectsPackages(['good@1.0.0 pkg:npm/good@1.0.0']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'UNREADABLE_LOCKFILE', path: '/broken/pnpm-lock.yaml' }),
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 3, path: '/keys/pnpm-lock.yaml' }),
    ]);
  });

  it.each([
    ['/a/1.0.0', 'slash', { name: 'a', version: '1.0.0' }],
    ['/@s/a/1.0.0_react@18.2.0', 'slash', { name: '@s/a', version: '1.0.0' }],
    ['/a/1.0.0_@types+node@20.1.0', 'slash', { name: 'a', version: '1.0.0' }],
    ['registry.example.com/@s/a/2.0.0', 'slash', { name: '@s/a', version: '2.0.0' }],
    ['/@s/a', 'slash', undefined],
    ['/a@1.0.0(b@2.0.0)(c@3.0.0)', 'at', { name: 'a', version: '1.0.0' }],
    ['/@s/a@1.0.0', 'at', { name: '@s/a', version: '1.0.0' }],
    ['@s/a@1.0.0-rc.1', 'at', { name: '@s/a', version: '1.0.0-rc.1' }],
    ['a', 'at', undefined],
  ] as const)('key %s (%s)', (key, style, expected) => {
    expect(parsePnpmPackageKey(key, style)).toEqual(expected);
  });

  it('reads the main document when an environment document comes first', () => {
    const text = "lockfileVersion: '9.0'\nimporters:\n  .:\n    configDependencies: {}\n---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: ^1\n        version: 1.0.0\npackages:\n  a@1.0.0: {}\nsnapshots:\n  a@1.0.0: {}\n";
    expect(summary(text).lines).toEqual(['a@1.0.0']);
  });

  it.each([
    ['an unknown alias', 'lockfileVersion: *nowhere\n'],
    ['an alias bomb', `a: &a ["x","x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\n`],
  ])('warns about %s', (_name, text) => {
    const result = summary(text);
    expect(result.packages).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['UNREADABLE_LOCKFILE']);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        summary(text);
        summary(`lockfileVersion: '9.0'\npackages:\n${text}`);
      }),
    );
  });

  it('never throws on arbitrary values in lockfile positions', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('5.4', '6.0', '9.0'), (packages, other, version) => {
        // JSON is YAML: every shape lands where the parser looks.
        summary(JSON.stringify({ lockfileVersion: version, packages, snapshots: other, importers: other }));
        summary(JSON.stringify({ lockfileVersion: version, packages: { 'a@1.0.0': packages }, importers: { '.': { dependencies: other } } }));
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared real-world pnpm lockfiles', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    // Expected from the format's rules: every `packages` entry whose key (or name and version
    // fields) names a package; dev from `dev: true` (v5, v6) or from the importers (v9).
    it.each([
      ['empty.yaml', []],
      ['missing-packages.yaml', []],
      ['no-packages.yaml', []],
      ['no-packages.v9.yaml', []],
      ['one-package.yaml', ['acorn@8.7.0']],
      ['one-package-v6-lockfile.yaml', ['acorn@8.7.0']],
      ['one-package.v9.yaml', ['acorn@8.11.3']],
      ['one-package-dev.yaml', ['acorn@8.7.0']],
      ['one-package-dev.v9.yaml', ['acorn@8.11.3 dev']],
      ['scoped-packages.yaml', ['@typescript-eslint/types@5.13.0']],
      ['scoped-packages-v6-lockfile.yaml', ['@typescript-eslint/types@5.57.1']],
      ['scoped-packages.v9.yaml', ['@typescript-eslint/types@5.62.0']],
      ['peer-dependencies.yaml', ['acorn-jsx@5.3.2', 'acorn@8.7.0']],
      ['peer-dependencies.v9.yaml', ['acorn-jsx@5.3.2', 'acorn@8.11.3']],
      ['peer-dependencies-v6.yaml', ['js-tokens@4.0.0', 'loose-envify@1.4.0', 'react-dom@18.2.0', 'react@18.2.0', 'scheduler@0.23.0']],
      ['peer-dependencies-advanced-rc-v6.yaml', ['js-tokens@4.0.0', 'loose-envify@1.4.0', 'react-dom@18.0.0-rc.3', 'react@18.2.0', 'scheduler@0.21.0']],
      [
        'peer-dependencies-advanced-v6.yaml',
        [
          'js-tokens@4.0.0',
          'loose-envify@1.4.0',
          'react-dom@18.3.0-canary-ab31a9ed2-20230824',
          'react@18.3.0-canary-ab31a9ed2-20230824',
          'scheduler@0.24.0-canary-ab31a9ed2-20230824',
        ],
      ],
      ['multiple-versions.yaml', ['uuid@3.3.2', 'uuid@8.3.2', 'xmlbuilder@9.0.7']],
      ['multiple-versions.v9.yaml', ['uuid@8.0.0', 'uuid@8.3.2', 'xmlbuilder@11.0.1']],
      ['mixed-groups.v53.yaml', ['ansi-regex@5.0.1', 'is-number@7.0.0 dev', 'uuid@8.3.2']],
      ['mixed-groups.v54.yaml', ['ansi-regex@5.0.1', 'is-number@7.0.0 dev', 'uuid@8.3.2']],
      ['mixed-groups.v6.yaml', ['ansi-regex@5.0.0', 'is-number@7.0.0 dev', 'uuid@8.0.0']],
      ['mixed-groups.v9.yaml', ['ansi-regex@5.0.1', 'is-number@7.0.0 dev', 'uuid@8.3.2']],
      [
        'commits.yaml',
        ['my-bitbucket-package@1.0.0', '@my-scope/my-package@1.0.0', '@my-scope/my-other-package@1.0.0', 'faker-parser@0.0.1', 'mocks@20.0.1'],
      ],
      ['commits.v9.yaml', ['ansi-regex@6.0.1', 'is-number@7.0.0']],
      ['tarball.yaml', ['@my-org/my-package@3.2.3 dev']],
    ])('%s', (name, expected) => {
      const result = read(name);
      expect(result.lines).toEqual(expected);
      expect(result.skipped).toEqual([]);
      expect(result.warnings).toEqual([]);
    });

    it('multiple-packages.yaml: all 14 packages, none dev', () => {
      const result = read('multiple-packages.yaml');
      expect(result.lines).toHaveLength(14);
      expect(result.lines).toEqual(expect.arrayContaining(['aws-sdk@2.1087.0', 'xml2js@0.4.19', 'punycode@1.3.2']));
    });

    it.each(['peer-dependencies-advanced.yaml', 'peer-dependencies-advanced.v9.yaml'])('%s: one package per packages key', (name) => {
      const text = readFileSync(`${shared}${name}`, 'utf8');
      const section = text.slice(text.indexOf('\npackages:'), text.includes('\nsnapshots:') ? text.indexOf('\nsnapshots:') : undefined);
      const keys = section.split('\n').filter((line) => /^ {2}\S.*:$/.test(line));
      const result = read(name);
      expect(result.skipped).toEqual([]);
      expect(result.lines.length).toBe(keys.length);
      expect(result.lines.length).toBeGreaterThan(5);
    });

    it('files.yaml: directory and tarball dependencies by their name fields; a nameless one is skipped', () => {
      const result = read('files.yaml');
      expect(result.lines).toEqual([
        'my-file-package@0.0.0',
        'a-local-package@1.0.0',
        'a-nested-local-package@1.0.0',
        'one-up@1.0.0',
        'one-up-with-peer@1.0.0',
      ]);
      expect(result.skipped).toHaveLength(1);
    });

    it('exotic.yaml: registry-host keys are read, keys without a version are skipped', () => {
      const result = read('exotic.yaml');
      expect(result.lines).toEqual(['foo@1.0.0', '@foo/bar@1.0.0', 'foo@1.1.0', '@foo/bar@1.1.0', 'foo@1.2.0', 'foo@1.3.0', 'foo@1.4.0']);
      expect(result.skipped).toHaveLength(2);
    });

    it.each([
      ['invalid-path.yaml', 1],
      ['invalid-paths.yaml', 2],
    ])('%s: the valid package, and a skip per invalid key', (name, skips) => {
      const result = read(name);
      expect(result.lines).toEqual(['acorn@8.7.0']);
      expect(result.skipped).toHaveLength(skips);
    });

    it('not-yaml.txt gives a warning, not a crash', () => {
      const result = read('not-yaml.txt');
      expect(result.packages).toEqual([]);
      expect(result.warnings).toEqual([expect.objectContaining({ code: 'UNREADABLE_LOCKFILE' })]);
    });
  });
});
