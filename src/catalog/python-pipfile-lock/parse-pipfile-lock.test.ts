import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { pythonPipfileLockCataloger } from './index.js';
import { parsePipfileLock, parsePipfileLockText } from './parse-pipfile-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/python-pipfilelock/', import.meta.url));

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parsePipfileLockText(text, ctx);
  const lines = packages.map((p) => `${p.name}@${p.version}${p.development === true ? ' dev' : p.development === false ? ' run' : ''}`);
  return { packages, lines, skipped, warnings };
}

describe('python-pipfile-lock cataloger', () => {
  it('reads default and develop; a package in both is not development-only; versionless entries are counted', async () => {
    const result = await catalogTester()
      .fromDirectory('python-pipfile-lock/app')
      .withCatalogers(pythonPipfileLockCataloger)
      .expectsPackages([
        'acme-billing@2.4.1 pkg:pypi/acme-billing@2.4.1',
        'flask@3.0.0 pkg:pypi/flask@3.0.0',
        'pytest@7.4.3 pkg:pypi/pytest@7.4.3',
        'werkzeug@3.0.1 pkg:pypi/werkzeug@3.0.1',
      ]);
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['pytest']);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('flask')).toEqual({
      name: 'flask',
      version: '3.0.0',
      type: 'pypi',
      purl: 'pkg:pypi/flask@3.0.0',
      ecosystem: 'PyPI',
      metadata: { markers: "python_version >= '3.8'" },
      locations: [{ path: '/srv/web/Pipfile.lock' }],
      foundBy: 'python-pipfile-lock',
    });
    expect(byName.get('werkzeug')!.metadata).toEqual({ originalName: 'Werkzeug' });
    expect(byName.get('acme-billing')!.metadata).toEqual({ index: 'internal' });
    expect(result.warnings.map((w) => [w.code, w.message])).toEqual([
      ['UNVERSIONED_PACKAGES', 'python-pipfile-lock: 1 package has no version (editable, VCS or path installs) and was left out (first: local-tools)'],
    ]);
  });

  it('skips malformed entries and warns about a lock that is not JSON', async () => {
    const result = await catalogTester()
      .fromDirectory('python-pipfile-lock/malformed')
      .withCatalogers(pythonPipfileLockCataloger)
      .expectsPackages(['good@1.0 pkg:pypi/good@1.0']);
    expect(result.warnings.map((w) => `${w.code} ${w.path}${w.count ? ` ${w.count}` : ''}`)).toEqual([
      'MALFORMED_RECORD /a/Pipfile.lock 4',
      'UNREADABLE_LOCKFILE /b/Pipfile.lock',
    ]);
  });

  it.each([['[]'], ['null'], ['"x"']])('%s is not a lock', (text) => {
    expect(summary(text).warnings.map((w) => w.code)).toEqual(['UNREADABLE_LOCKFILE']);
  });

  it('reads through the CatalogFile interface', async () => {
    const packages = await parsePipfileLock(memoryFile('/p/Pipfile.lock', '{"default":{"Foo.Bar":{"version":"===1.0"}}}'), recordingContext().ctx);
    expect(packages.map((p) => p.purl)).toEqual(['pkg:pypi/foo-bar@1.0']);
  });

  it('never throws on arbitrary text or arbitrary JSON', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void summary(text)));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 2 }), (section, entry) => {
        summary(JSON.stringify({ default: section, develop: { a: entry } }));
        summary(JSON.stringify({ default: { a: { version: entry, markers: entry, index: entry } } }));
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared Pipfile.lock files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it.each([
      ['empty-file', []],
      ['empty.json', []],
      ['minified.json', ['markupsafe@2.1.1 run']],
      ['one-package.json', ['markupsafe@2.1.1 run']],
      ['one-package-dev.json', ['markupsafe@2.1.1 dev']],
      ['two-packages.json', ['itsdangerous@2.1.2 run', 'markupsafe@2.1.1 dev']],
      ['two-packages-alt.json', ['itsdangerous@2.1.2 run', 'markupsafe@2.1.1 run']],
      // itsdangerous is locked in both at one version: run time. pluggy differs: two packages.
      ['multiple-packages.json', ['itsdangerous@2.1.2 run', 'pluggy@1.0.1 run', 'markupsafe@2.1.1 run', 'pluggy@1.0.0 dev']],
    ])('%s', (name, expected) => {
      const { lines, skipped, warnings } = read(name);
      expect(lines).toEqual(expected);
      expect([skipped, warnings]).toEqual([[], []]);
    });

    it('multiple-packages.json keeps markers', () => {
      expect(read('multiple-packages.json').packages.find((p) => p.name === 'markupsafe')!.metadata).toEqual({ markers: "python_version >= '3.7'" });
    });

    it('no-version.json: editable git entries are counted, not packages', () => {
      const { packages, warnings } = read('no-version.json');
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.message)).toEqual(['2 packages have no version (editable, VCS or path installs) and were left out (first: markupsafe)']);
    });

    it('not-json.txt: a warning, no packages', () => {
      const { packages, warnings } = read('not-json.txt');
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_LOCKFILE']);
    });
  });
});
