import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { dotnetDepsJsonCataloger } from '../dotnet-deps-json/index.js';
import { dotnetPackagesLockCataloger } from '../dotnet-packages-lock/index.js';
import { dotnetCsprojCataloger } from './index.js';
import { exactVersion, expandProperties, isDevelopmentReference, parseProjectFile, parseProjectText, readCentralVersions } from './parse-project-file.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/dotnet-csproj/', import.meta.url));

function summary(text: string, central?: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseProjectText(text, ctx, central === undefined ? undefined : readCentralVersions(central, '/Directory.Packages.props'));
  return { lines: packages.map((p) => `${p.name}@${p.version}${p.development ? ' dev' : ''}`), packages, skipped, warnings };
}

const project = (items: string, properties = '') =>
  `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup>${properties}</PropertyGroup><ItemGroup>${items}</ItemGroup></Project>`;

describe('dotnet-csproj cataloger', () => {
  it('reads C#, F# and VB project files: literal, property, pinned, child-element and central versions', async () => {
    const result = await catalogTester()
      .fromDirectory('dotnet-csproj/solution')
      .withCatalogers(dotnetCsprojCataloger)
      .expectsPackages([
        'Argu@6.2.2 pkg:nuget/Argu@6.2.2',
        'Dapper@2.1.35 pkg:nuget/Dapper@2.1.35',
        'FSharp.Core@8.0.301 pkg:nuget/FSharp.Core@8.0.301',
        'Microsoft.Build.Utilities.Core@17.8.3 pkg:nuget/Microsoft.Build.Utilities.Core@17.8.3',
        'Npgsql@8.0.3 pkg:nuget/Npgsql@8.0.3',
        'Pinned.Package@3.1.4 pkg:nuget/Pinned.Package@3.1.4',
        'Serilog.AspNetCore@8.0.2 pkg:nuget/Serilog.AspNetCore@8.0.2',
        'StyleCop.Analyzers@1.2.0-beta.556 pkg:nuget/StyleCop.Analyzers@1.2.0-beta.556',
        'System.Text.Json@6.0.10 pkg:nuget/System.Text.Json@6.0.10',
        'System.Text.Json@8.0.4 pkg:nuget/System.Text.Json@8.0.4',
      ]);
    const byId = new Map(result.packages.map((p) => [`${p.name}@${p.version}`, p]));
    expect(byId.get('Npgsql@8.0.3')).toEqual({
      name: 'Npgsql',
      version: '8.0.3',
      type: 'nuget',
      purl: 'pkg:nuget/Npgsql@8.0.3',
      ecosystem: 'NuGet',
      metadata: { versionSource: '/src/Directory.Packages.props' },
      locations: [{ path: '/src/Shop.Api/Shop.Api.csproj' }],
      foundBy: 'dotnet-csproj',
    });
    // VersionOverride wins over the central version.
    expect(byId.get('Serilog.AspNetCore@8.0.2')!.metadata).toBeUndefined();
    // NuGet's shape for a development dependency: PrivateAssets all, IncludeAssets without compile.
    expect(byId.get('StyleCop.Analyzers@1.2.0-beta.556')).toMatchObject({ development: true, metadata: { privateAssets: 'all' } });
    // PrivateAssets alone: recorded, not development.
    expect(byId.get('Microsoft.Build.Utilities.Core@17.8.3')).toMatchObject({ metadata: { privateAssets: 'all' } });
    expect(byId.get('Microsoft.Build.Utilities.Core@17.8.3')!.development).toBeUndefined();
    expect(byId.get('System.Text.Json@6.0.10')!.metadata).toEqual({ condition: "'$(TargetFramework)' == 'net6.0'" });
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['StyleCop.Analyzers']);

    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1, path: '/src/Shop.Api/Shop.Api.csproj' }),
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 6, path: '/tools/Build.Tasks/Build.Tasks.fsproj' }),
    ]);
    expect(result.warnings[0]!.message).toContain('"Unlisted.Package" has no version');
  });

  it('gives each skipped reference its reason', async () => {
    const { ctx, skipped } = recordingContext();
    const path = `${fileURLToPath(new URL('../../../test/fixtures/catalog/dotnet-csproj/solution/tools/Build.Tasks/', import.meta.url))}Build.Tasks.fsproj`;
    await parseProjectFile(memoryFile('/tools/Build.Tasks/Build.Tasks.fsproj', readFileSync(path)), ctx);
    // Items without an id are skipped as they are read, before versions are resolved.
    expect(skipped).toEqual([
      'a PackageReference has an empty Include',
      '"Ranged.Package": "[1.0,2.0)" is a version range',
      '"Floating.Package": "6.*" is a floating version',
      '"Undefined.Property": property NotThere is not defined in the file',
      '"Ambiguous.Property": property Twice is defined more than once',
      '"No.Version.At.All" has no version (and no Directory.Packages.props gives one)',
    ]);
  });

  it('gives the project file, its lock file and the built deps.json one purl for one package', async () => {
    const result = await catalogTester()
      .fromDirectory('dotnet-csproj/merged')
      .withCatalogers(dotnetCsprojCataloger, dotnetPackagesLockCataloger, dotnetDepsJsonCataloger)
      .expectsPackages(['Serilog@3.1.1 pkg:nuget/Serilog@3.1.1']);
    expect(result.packages[0]!.locations.map((l) => l.path)).toEqual([
      '/src/Worker/Worker.csproj',
      '/src/Worker/packages.lock.json',
      '/src/Worker/bin/Release/net8.0/Worker.deps.json',
    ]);
  });

  it('warns about files that are not MSBuild projects', async () => {
    const result = await catalogTester().fromDirectory('dotnet-csproj/malformed').withCatalogers(dotnetCsprojCataloger).expectsPackages([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'UNREADABLE_PROJECT', path: '/a/App.csproj' }),
      expect.objectContaining({ code: 'UNREADABLE_PROJECT', path: '/b/Weird.csproj' }),
    ]);
  });

  it('finds the nearest Directory.Packages.props above the project', async () => {
    const text = project('<PackageReference Include="A" />');
    const props = (version: string) => `<Project><ItemGroup><PackageVersion Include="a" Version="${version}" /></ItemGroup></Project>`;
    const file = memoryFile('/repo/src/app/app.csproj', text, {
      '/repo/src/Directory.Packages.props': props('2.0.0'),
      '/repo/Directory.Packages.props': props('1.0.0'),
    });
    const packages = await parseProjectFile(file, recordingContext().ctx);
    expect(packages.map((p) => [p.purl, p.metadata?.versionSource])).toEqual([['pkg:nuget/A@2.0.0', '/repo/src/Directory.Packages.props']]);
    const none = recordingContext();
    expect(await parseProjectFile(memoryFile('/x/app.csproj', text), none.ctx)).toEqual([]);
    expect(none.skipped).toEqual(['"A" has no version (and no Directory.Packages.props gives one)']);
  });

  it.each([
    ['1.2.3', { value: '1.2.3' }],
    [' 1.2.3 ', { value: '1.2.3' }],
    ['[1.2.3]', { value: '1.2.3' }],
    ['[ 1.2.3 ]', { value: '1.2.3' }],
    ['[1.0,2.0)', { error: '"[1.0,2.0)" is a version range' }],
    ['(,2.0]', { error: '"(,2.0]" is a version range' }],
    ['[1.0, )', { error: '"[1.0, )" is a version range' }],
    ['1.*', { error: '"1.*" is a floating version' }],
    ['*-*', { error: '"*-*" is a floating version' }],
    ['', { error: 'the version is empty' }],
    ['latest', { error: '"latest" is not a version' }],
  ])('exact version of %j', (text, expected) => {
    expect(exactVersion(text)).toEqual(expected);
  });

  it('expands properties recursively, without regard to case, and reports what failed', () => {
    const properties = new Map<string, string | null>([
      ['major', '4'],
      ['full', '$(Major).1.0'],
      ['loop', '$(Loop)'],
      ['twice', null],
    ]);
    expect(expandProperties('$(FULL)', properties)).toEqual({ value: '4.1.0' });
    expect(expandProperties('$(Twice)', properties)).toEqual({ error: 'property Twice is defined more than once' });
    expect(expandProperties('$(Loop)', properties)).toEqual({ error: '"$(Loop)" is not a plain version' });
    expect(expandProperties("$([System.String]::Copy('1.0'))", properties)).toEqual({ error: `"$([System.String]::Copy('1.0'))" is not a plain version` });
  });

  it.each([
    ['all', 'runtime; build; native; contentfiles; analyzers; buildtransitive', true],
    ['All', 'analyzers', true],
    ['all', undefined, false],
    ['all', 'compile; runtime', false],
    ['all', 'all', false],
    ['contentfiles; analyzers', 'analyzers', false],
    [undefined, 'analyzers', false],
  ])('PrivateAssets %j with IncludeAssets %j is development: %s', (privateAssets, includeAssets, development) => {
    expect(isDevelopmentReference(privateAssets, includeAssets)).toBe(development);
  });

  it('reads several ids in one Include, and element names in any case', () => {
    expect(summary(project('<packagereference include="A;B" version="1.0.0" />')).lines).toEqual(['A@1.0.0', 'B@1.0.0']);
  });

  it('uses the central version file\'s own properties', () => {
    const central = '<Project><PropertyGroup><V>3.0.0</V></PropertyGroup><ItemGroup><PackageVersion Include="A" Version="$(V)" /></ItemGroup></Project>';
    expect(summary(project('<PackageReference Include="A" />'), central).lines).toEqual(['A@3.0.0']);
  });

  it('reads through the CatalogFile interface', async () => {
    const file = memoryFile('/p/a.vbproj', project('<PackageReference Include="A" Version="1.0.0" />'));
    expect((await parseProjectFile(file, recordingContext().ctx)).map((p) => p.purl)).toEqual(['pkg:nuget/A@1.0.0']);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void parseProjectText(text, recordingContext().ctx)));
    const value = fc.string({ maxLength: 12 }).map((v) => v.replace(/[<&"]/g, ''));
    fc.assert(
      fc.property(value, value, value, value, (include, version, property, assets) => {
        parseProjectText(
          project(`<PackageReference Include="${include}" Version="${version}" PrivateAssets="${assets}" IncludeAssets="${assets}" />`, `<P>${property}</P>`),
          recordingContext().ctx,
        );
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared project files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it('valid: LiteDB 5.0.12', () => {
      const { packages, skipped, warnings } = read('valid');
      expect(packages).toEqual([{ name: 'LiteDB', version: '5.0.12', type: 'nuget', purl: 'pkg:nuget/LiteDB@5.0.12', ecosystem: 'NuGet' }]);
      expect([skipped, warnings]).toEqual([[], []]);
    });

    it.each([
      ['emptyinclude', 'a PackageReference has an empty Include'],
      ['nopackage', 'a PackageReference has no Include'],
      ['noversion', '"LiteDB" has no version (and no Directory.Packages.props gives one)'],
      ['emptyversion', '"LiteDB": the version is empty'],
    ])('%s: no package, one skip', (name, reason) => {
      const { packages, skipped, warnings } = read(name);
      expect(packages).toEqual([]);
      expect(skipped).toEqual([reason]);
      expect(warnings).toEqual([]);
    });

    it('invalid: a warning', () => {
      expect(read('invalid').warnings.map((w) => w.code)).toEqual(['UNREADABLE_PROJECT']);
    });
  });
});
