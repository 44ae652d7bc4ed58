import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { npmInstalledCataloger } from './index.js';
import { isInstalledManifestPath, parseInstalledManifest, parseInstalledManifestText } from './parse-package-json.js';

describe('npm-installed cataloger', () => {
  it('lists every package root under node_modules, nested, scoped, aliased and in the pnpm store', async () => {
    const result = await catalogTester()
      .fromDirectory('npm-installed/tree')
      .withCatalogers(npmInstalledCataloger)
      .expectsPackages([
        '@babel/code-frame@7.22.13 pkg:npm/%40babel/code-frame@7.22.13',
        'debug@2.6.9 pkg:npm/debug@2.6.9',
        'express@4.18.2 pkg:npm/express@4.18.2',
        'ms@2.1.3 pkg:npm/ms@2.1.3',
        'old-lib@0.4.2 pkg:npm/old-lib@0.4.2',
        'private-thing@1.0.0 pkg:npm/private-thing@1.0.0',
        'strip-ansi@6.0.1 pkg:npm/strip-ansi@6.0.1',
      ]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('express')).toMatchObject({
      licenses: ['MIT'],
      ecosystem: 'npm',
      foundBy: 'npm-installed',
      locations: [{ path: '/srv/app/node_modules/express/package.json' }],
    });
    expect(byName.get('@babel/code-frame')!.licenses).toEqual(['MIT']);
    expect(byName.get('old-lib')).toMatchObject({
      licenses: ['MIT', 'Apache-2.0'],
      metadata: { resolved: 'https://registry.npmjs.org/old-lib/-/old-lib-0.4.2.tgz', integrity: 'sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
    });
    expect(byName.get('private-thing')!.metadata).toEqual({ private: true });
    expect(byName.get('strip-ansi')!.metadata).toEqual({ alias: 'strip-ansi-cjs' });
    expect(result.packages.every((p) => p.development === undefined)).toBe(true);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'UNREADABLE_MANIFEST', path: '/srv/app/node_modules/broken/package.json' }),
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1, path: '/srv/app/node_modules/no-version/package.json' }),
    ]);
  });

  it('reads package roots only, never files inside a package or the project manifest', async () => {
    await catalogTester()
      .fromDirectory('npm-installed/tree')
      .withCatalogers(npmInstalledCataloger)
      .expectsPathsRead([
        '/srv/app/node_modules/.bin/package.json',
        '/srv/app/node_modules/.pnpm/ms@2.1.3/node_modules/ms/package.json',
        '/srv/app/node_modules/@babel/code-frame/package.json',
        '/srv/app/node_modules/@babel/package.json',
        '/srv/app/node_modules/broken/package.json',
        '/srv/app/node_modules/express/node_modules/debug/package.json',
        '/srv/app/node_modules/express/package.json',
        '/srv/app/node_modules/no-version/package.json',
        '/srv/app/node_modules/old-lib/package.json',
        '/srv/app/node_modules/private-thing/package.json',
        '/srv/app/node_modules/strip-ansi-cjs/package.json',
      ]);
  });

  it.each([
    ['/app/node_modules/a/package.json', true],
    ['/app/node_modules/@s/a/package.json', true],
    ['/app/node_modules/a/node_modules/@s/b/package.json', true],
    ['/node_modules/a/package.json', true],
    ['/app/node_modules/a/lib/package.json', false],
    ['/app/node_modules/@s/package.json', false],
    ['/app/node_modules/.bin/package.json', false],
    ['/app/node_modules/@s/a/lib/package.json', false],
    ['/app/package.json', false],
    ['/app/node_modules/a/package.json.bak', false],
  ])('%s is a package root: %s', (path, expected) => {
    expect(isInstalledManifestPath(path)).toBe(expected);
  });

  it.each([
    ['{"name": "a", "version": "1.0.0", "license": {"type": ""}}', []],
    ['{"name": "a", "version": "1.0.0", "licenses": ["ISC", {"type": "MIT"}, 7]}', ['ISC', 'MIT']],
    ['{"name": "a", "version": "1.0.0", "license": "(MIT OR Apache-2.0)"}', ['(MIT OR Apache-2.0)']],
  ])('licenses of %s', (text, licenses) => {
    const [pkg] = parseInstalledManifestText('/node_modules/a/package.json', text, recordingContext().ctx);
    expect(pkg!.licenses ?? []).toEqual(licenses);
  });

  it.each([
    ['{"name": "a"}'],
    ['{"version": "1.0.0"}'],
    ['{"name": "a", "version": 1}'],
    ['{"name": "", "version": "1.0.0"}'],
    ['{"name": "a b", "version": "1.0.0"}'],
  ])('skips %s', (text) => {
    const { ctx, skipped, warnings } = recordingContext();
    expect(parseInstalledManifestText('/node_modules/a/package.json', text, ctx)).toEqual([]);
    expect(skipped).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it.each([['[]'], ['null'], ['not json']])('warns about %s', (text) => {
    const { ctx, warnings } = recordingContext();
    expect(parseInstalledManifestText('/node_modules/a/package.json', text, ctx)).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_MANIFEST']);
  });

  it('does not open a file that is not a package root', async () => {
    const { ctx } = recordingContext();
    const file = memoryFile('/node_modules/a/test/package.json', '{"name": "x", "version": "1.0.0"}');
    expect(await parseInstalledManifest(file, ctx)).toEqual([]);
  });

  it('never throws on arbitrary text or JSON', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 3 }), (text, json) => {
        parseInstalledManifestText('/node_modules/a/package.json', text, recordingContext().ctx);
        parseInstalledManifestText('/node_modules/@s/a/package.json', JSON.stringify(json), recordingContext().ctx);
        parseInstalledManifestText('/node_modules/a/package.json', JSON.stringify({ name: 'a', version: '1.0.0', license: json, licenses: json }), recordingContext().ctx);
      }),
    );
  });
});
