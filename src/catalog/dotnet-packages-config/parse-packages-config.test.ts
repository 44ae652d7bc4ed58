import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { dotnetPackagesConfigCataloger } from './index.js';
import { parsePackagesConfig, parsePackagesConfigText } from './parse-packages-config.js';
import { readXmlDocument } from './xml.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/dotnet-packagesconfig/', import.meta.url));

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parsePackagesConfigText(text, ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}${p.development ? ' dev' : ''}`), packages, skipped, warnings };
}

describe('dotnet-packages-config cataloger', () => {
  it('reads every package, developmentDependency marking development', async () => {
    const result = await catalogTester()
      .fromDirectory('dotnet-packages-config/legacy')
      .withCatalogers(dotnetPackagesConfigCataloger)
      .expectsPackages([
        'Antlr@3.5.0.2 pkg:nuget/Antlr@3.5.0.2',
        'Microsoft.AspNet.Mvc@5.2.9 pkg:nuget/Microsoft.AspNet.Mvc@5.2.9',
        'Microsoft.CodeDom.Providers.DotNetCompilerPlatform@2.0.1 pkg:nuget/Microsoft.CodeDom.Providers.DotNetCompilerPlatform@2.0.1',
        'Microsoft.Net.Compilers@2.4.0 pkg:nuget/Microsoft.Net.Compilers@2.4.0',
        'Newtonsoft.Json@12.0.3 pkg:nuget/Newtonsoft.Json@12.0.3',
        'StyleCop.Analyzers@1.1.118 pkg:nuget/StyleCop.Analyzers@1.1.118',
        'WebGrease@1.6.0 pkg:nuget/WebGrease@1.6.0',
      ]);
    expect(result.warnings).toEqual([]);
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['Microsoft.Net.Compilers', 'StyleCop.Analyzers']);
    expect(result.packages.find((p) => p.name === 'Antlr')).toEqual({
      name: 'Antlr',
      version: '3.5.0.2',
      type: 'nuget',
      purl: 'pkg:nuget/Antlr@3.5.0.2',
      ecosystem: 'NuGet',
      metadata: { targetFramework: 'net472' },
      locations: [{ path: '/src/Legacy.Web/packages.config' }],
      foundBy: 'dotnet-packages-config',
    });
  });

  it('skips malformed packages and warns about a file that is not XML', async () => {
    const result = await catalogTester()
      .fromDirectory('dotnet-packages-config/malformed')
      .withCatalogers(dotnetPackagesConfigCataloger)
      .expectsPackages(['Good@1.0.0 pkg:nuget/Good@1.0.0']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 4, path: '/a/packages.config' }),
      expect.objectContaining({ code: 'UNREADABLE_PACKAGES_CONFIG', path: '/b/packages.config' }),
    ]);
  });

  it.each([
    ['<configuration><appSettings/></configuration>', 'UNREADABLE_PACKAGES_CONFIG'],
    ['', 'UNREADABLE_PACKAGES_CONFIG'],
    ['<packages/>', undefined],
    ['\uFEFF<?xml version="1.0"?><packages></packages>', undefined],
  ])('gives no packages for %j', (text, code) => {
    const { packages, warnings } = summary(text);
    expect(packages).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(code ? [code] : []);
  });

  it('reads element and attribute names without regard to case, values as written', () => {
    const document = readXmlDocument('<Packages><Package ID="A" Version="1.10"/></Packages>')!;
    expect(document.name).toBe('packages');
    expect(document.root.children.package![0]!.attributes).toEqual({ id: 'A', version: '1.10' });
    // The XML library refuses names that could pollute prototypes: an unreadable document, not a throw.
    expect(readXmlDocument('<packages><constructor __proto__="x"/></packages>')).toBeUndefined();
    expect(summary('<packages><package id="A" version="1.10" /></packages>').lines).toEqual(['A@1.10']);
  });

  it('reads through the CatalogFile interface', async () => {
    const file = memoryFile('/p/packages.config', '<packages><package id="A" version="1.0.0"/></packages>');
    expect((await parsePackagesConfig(file, recordingContext().ctx)).map((p) => p.purl)).toEqual(['pkg:nuget/A@1.0.0']);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void parsePackagesConfigText(text, recordingContext().ctx)));
    const attribute = fc.tuple(fc.constantFrom('id', 'version', 'developmentDependency', 'x'), fc.string({ maxLength: 10 }));
    fc.assert(
      fc.property(fc.array(fc.array(attribute, { maxLength: 4 }), { maxLength: 5 }), (packages) => {
        const body = packages.map((attrs) => `<package ${attrs.map(([k, v]) => `${k}="${v.replace(/[<&"]/g, '')}"`).join(' ')} />`).join('');
        parsePackagesConfigText(`<packages>${body}</packages>`, recordingContext().ctx);
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared packages.config files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it('valid: two packages, the compilers a development dependency', () => {
      const { lines, skipped, warnings } = read('valid');
      expect(lines).toEqual(['Microsoft.CodeDom.Providers.DotNetCompilerPlatform@1.0.0', 'Microsoft.Net.Compilers@1.0.0 dev']);
      expect([skipped, warnings]).toEqual([[], []]);
    });

    it.each([
      ['nopackage', 'package 2 has no valid id'],
      ['noversion', 'package "Microsoft.Net.Compilers" has no valid version'],
    ])('%s: the good package, and a skip', (name, reason) => {
      const { lines, skipped } = read(name);
      expect(lines).toEqual(['Microsoft.CodeDom.Providers.DotNetCompilerPlatform@1.0.0']);
      expect(skipped).toEqual([reason]);
    });

    it('invalid: a warning', () => {
      expect(read('invalid').warnings.map((w) => w.code)).toEqual(['UNREADABLE_PACKAGES_CONFIG']);
    });
  });
});
