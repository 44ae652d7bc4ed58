import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { writeZip } from '../../../test/harness/zip-writer.js';
import { pythonInstalledCataloger } from './index.js';
import { coreMetadataLicenses, parseCoreMetadataHeaders } from './parse-core-metadata.js';
import { parseInstalledPython } from './parse-installed.js';
import { normalizePypiName } from './pypi-package.js';

const site = [
  'attrs@24.2.0 pkg:pypi/attrs@24.2.0',
  'flask-cors@4.0.0 pkg:pypi/flask-cors@4.0.0',
  'myapp@0.1.0 pkg:pypi/myapp@0.1.0',
  'paste@3.5.0 pkg:pypi/paste@3.5.0',
  'python-apt@2.6.0 pkg:pypi/python-apt@2.6.0',
  'requests@2.31.0 pkg:pypi/requests@2.31.0',
  'simplejson@3.19.1 pkg:pypi/simplejson@3.19.1',
  'six@1.16.0 pkg:pypi/six@1.16.0',
  'zope-interface@6.0 pkg:pypi/zope-interface@6.0',
];

describe('python-installed cataloger', () => {
  it('reads dist-info, egg-info folders and files, unzipped and zipped eggs', async () => {
    const result = await catalogTester().fromDirectory('python-installed/site').withCatalogers(pythonInstalledCataloger).expectsPackages(site);
    expect(result.warnings).toEqual([]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('requests')).toEqual({
      name: 'requests',
      version: '2.31.0',
      type: 'pypi',
      purl: 'pkg:pypi/requests@2.31.0',
      ecosystem: 'PyPI',
      licenses: ['Apache 2.0'],
      metadata: {
        summary: 'Python HTTP for Humans.',
        homepage: 'https://requests.readthedocs.io',
        metadataVersion: '2.1',
        format: 'dist-info',
        // Facts come from the first place it was seen (the venv, installed by uv).
        installer: 'uv',
      },
      // The same distribution in the system site-packages and in a venv: one package, two places.
      locations: [
        { path: '/srv/app/.venv/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA' },
        { path: '/usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA' },
      ],
      foundBy: 'python-installed',
    });
    // PEP 503 names, the spelling of the file kept.
    expect(byName.get('flask-cors')!.metadata).toMatchObject({ originalName: 'Flask-Cors', installer: 'pip' });
    expect(byName.get('zope-interface')!.metadata).toMatchObject({ originalName: 'zope.interface' });
    expect(byName.get('paste')).toMatchObject({
      licenses: ['MIT'],
      metadata: { originalName: 'Paste', format: 'egg' },
      locations: [{ path: '/usr/lib/python3.11/site-packages/Paste-3.5.0-py3.11.egg/EGG-INFO/PKG-INFO' }],
    });
    expect(byName.get('simplejson')).toMatchObject({
      licenses: ['MIT License'],
      metadata: { format: 'egg' },
      locations: [{ path: '/opt/eggs/simplejson-3.19.1-py3.11.egg' }],
    });
    expect(byName.get('python-apt')).toMatchObject({
      licenses: ['GNU GPL'],
      metadata: { format: 'egg-info', summary: 'Python bindings for APT' },
      locations: [{ path: '/usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info' }],
    });
    expect(byName.get('python-apt')!.metadata!.homepage).toBeUndefined();
    expect(byName.get('six')).toMatchObject({ licenses: ['MIT'], metadata: { format: 'egg-info' } });
    // License-Expression wins over License and classifiers; a pasted license text gives way to classifiers.
    expect(byName.get('attrs')).toMatchObject({ licenses: ['MIT'], metadata: { installer: 'uv', metadataVersion: '2.4' } });
    expect(byName.get('zope-interface')!.licenses).toEqual(['Zope Public License']);
    // direct_url.json of an editable install.
    expect(byName.get('myapp')!.metadata).toEqual({
      summary: "The shop's back end",
      metadataVersion: '2.3',
      format: 'dist-info',
      installer: 'uv',
      directUrl: 'file:///srv/app',
      editable: true,
    });
    expect(result.packages.every((p) => p.development === undefined)).toBe(true);
  });

  it('reads each kind of file its patterns name, and no other', async () => {
    await catalogTester()
      .fromDirectory('python-installed/site')
      .withCatalogers(pythonInstalledCataloger)
      .expectsPathsRead([
        '/opt/eggs/simplejson-3.19.1-py3.11.egg',
        '/srv/app/.venv/lib/python3.12/site-packages/myapp-0.1.0.dist-info/METADATA',
        '/srv/app/.venv/lib/python3.12/site-packages/requests-2.31.0.dist-info/METADATA',
        '/usr/lib/python3.11/site-packages/Flask_Cors-4.0.0.dist-info/METADATA',
        '/usr/lib/python3.11/site-packages/Paste-3.5.0-py3.11.egg/EGG-INFO/PKG-INFO',
        '/usr/lib/python3.11/site-packages/attrs-24.2.0.dist-info/METADATA',
        '/usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA',
        '/usr/lib/python3.11/site-packages/six-1.16.0.egg-info/PKG-INFO',
        '/usr/lib/python3.11/site-packages/zope.interface-6.0.dist-info/METADATA',
        '/usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info',
      ]);
  });

  it('skips metadata without a usable name or version and warns about eggs it cannot open', async () => {
    const result = await catalogTester()
      .fromDirectory('python-installed/malformed')
      .withCatalogers(pythonInstalledCataloger)
      .expectsPackages(['good-package@1.0 pkg:pypi/good-package@1.0']);
    expect(result.packages[0]!.licenses).toEqual(['BSD']);
    const dir = '/usr/lib/python3.11/site-packages';
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['UNREADABLE_ARCHIVE', `${dir}/broken-1.0-py3.11.egg`],
      ['UNREADABLE_ARCHIVE', `${dir}/hollow-1.0-py3.11.egg`],
      ['MALFORMED_RECORD', `${dir}/badname-1.0.dist-info/METADATA`],
      ['MALFORMED_RECORD', `${dir}/noname-1.0.dist-info/METADATA`],
      ['MALFORMED_RECORD', `${dir}/noversion-1.0.dist-info/METADATA`],
    ].sort(([, a], [, b]) => (a! < b! ? -1 : 1)));
    expect(result.warnings.find((w) => w.path?.endsWith('hollow-1.0-py3.11.egg'))!.message).toContain('no EGG-INFO/PKG-INFO');
  });

  it.each([
    ['Foo.Bar__baz', 'foo-bar-baz'],
    ['Django', 'django'],
    ['zope.interface', 'zope-interface'],
    ['ruamel.yaml.clib', 'ruamel-yaml-clib'],
    ['foo17--hash', 'foo17-hash'],
    ['a-_.-b', 'a-b'],
  ])('normalises %s to %s (PEP 503)', (name, normalized) => {
    expect(normalizePypiName(name)).toBe(normalized);
  });

  it('reads headers up to the first blank line, unfolding continuation lines', () => {
    const headers = parseCoreMetadataHeaders('\ufeffName: a\r\nLicense: Line one\r\n  line two\r\nClassifier: X\r\nClassifier: Y\r\n\r\nName: body');
    expect(headers.get('name')).toEqual(['a']);
    expect(headers.get('license')).toEqual(['Line one\nline two']);
    expect(headers.get('classifier')).toEqual(['X', 'Y']);
  });

  it.each([
    ['License: UNKNOWN\nClassifier: License :: OSI Approved :: BSD License', ['BSD License']],
    ['License: UNKNOWN', []],
    ['Classifier: License :: OSI Approved', []],
    ['Classifier: License :: Public Domain\nClassifier: License :: Public Domain', ['Public Domain']],
    ['License-Expression: Apache-2.0 OR MIT\nLicense: Apache', ['Apache-2.0 OR MIT']],
    [`License: ${'x'.repeat(101)}\nClassifier: License :: OSI Approved :: MIT License`, ['MIT License']],
  ])('licenses of %j', (text, expected) => {
    expect(coreMetadataLicenses(parseCoreMetadataHeaders(text))).toEqual(expected);
  });

  it('reads a zipped egg through the CatalogFile interface', async () => {
    const egg = writeZip([
      { name: 'EGG-INFO/' },
      { name: 'EGG-INFO/PKG-INFO', data: 'Metadata-Version: 1.1\nName: Twisted\nVersion: 12.0.0\n' },
    ]);
    const { ctx, warnings } = recordingContext();
    const packages = await parseInstalledPython(memoryFile('/opt/Twisted-12.0.0-py2.7.egg', egg), ctx);
    expect(packages.map((p) => `${p.name}@${p.version} ${p.purl}`)).toEqual(['twisted@12.0.0 pkg:pypi/twisted@12.0.0']);
    expect(warnings).toEqual([]);
  });

  it('warns, not throws, on damaged and hostile eggs', async () => {
    const cases: Array<[Buffer, string]> = [
      // A damaged entry, as in a damaged jar or wheel.
      [writeZip([{ name: 'EGG-INFO/PKG-INFO', data: 'Name: a\nVersion: 1\n', declaredSize: 3 }]), 'ARCHIVE_ENTRY_UNREADABLE'],
      [writeZip([{ name: 'EGG-INFO/PKG-INFO', data: 'Name: a\nVersion: 1\n', methodNumber: 14 }]), 'ARCHIVE_ENTRY_UNREADABLE'],
      // Not an archive at all.
      [writeZip([{ name: 'EGG-INFO/PKG-INFO', data: 'Name: a\nVersion: 1\n' }]).subarray(0, 30), 'UNREADABLE_ARCHIVE'],
      [Buffer.alloc(0), 'UNREADABLE_ARCHIVE'],
    ];
    for (const [bytes, code] of cases) {
      const { ctx, warnings } = recordingContext();
      const packages = await parseInstalledPython(memoryFile('/x/a-1-py3.egg', bytes), ctx);
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual([code]);
    }
  });

  it('never throws on arbitrary metadata text or arbitrary egg bytes', async () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        parseCoreMetadataHeaders(text);
        coreMetadataLicenses(parseCoreMetadataHeaders(text));
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.constantFrom('/a/x.dist-info/METADATA', '/a/x.egg-info', '/a/x.egg/EGG-INFO/PKG-INFO'), async (text, path) => {
        await parseInstalledPython(memoryFile(path, `Name: a\nVersion: 1\n${text}`), recordingContext().ctx);
        await parseInstalledPython(memoryFile(path, text), recordingContext().ctx);
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        await parseInstalledPython(memoryFile('/a/x.egg', Buffer.from(bytes)), recordingContext().ctx);
      }),
      { numRuns: 200 },
    );
  });
});
