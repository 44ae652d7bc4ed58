import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, packageLine, recordingContext } from '../../../test/harness/catalog.js';
import { writeZip, type ZipEntrySpec } from '../../../test/harness/zip-writer.js';
import { dotnetDepsJsonCataloger } from '../dotnet-deps-json/index.js';
import { dotnetNupkgCataloger } from './index.js';
import { parseNupkg } from './parse-nupkg.js';

const nuspec = (metadata: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">\n  <metadata minClientVersion="2.12">\n${metadata}\n  </metadata>\n</package>\n`;

/** A package laid out as `nuget pack` and `dotnet pack` write one. */
function nupkg(nuspecName: string, nuspecText: string, extra: ZipEntrySpec[] = []): Buffer {
  return writeZip([
    { name: '_rels/.rels', data: '<?xml version="1.0"?><Relationships/>' },
    { name: nuspecName, data: nuspecText },
    { name: 'lib/net6.0/Library.dll', data: Buffer.alloc(4096, 1) },
    { name: 'package/services/metadata/core-properties/0123.psmdcp', data: '<coreProperties/>' },
    { name: '[Content_Types].xml', data: '<Types/>' },
    ...extra,
  ]);
}

const newtonsoft = nupkg(
  'Newtonsoft.Json.nuspec',
  nuspec('    <id>Newtonsoft.Json</id>\n    <version>13.0.3</version>\n    <license type="expression">MIT</license>\n    <authors>James Newton-King</authors>'),
);
const prerelease = nupkg('Acme.Tools.nuspec', nuspec('    <id>Acme.Tools</id>\n    <version>2.0.0-beta.2</version>\n    <licenseUrl>https://example.com/license</licenseUrl>'));

async function parse(bytes: Buffer, path = '/root/.nuget/packages/x/1.0.0/x.1.0.0.nupkg') {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = await parseNupkg(memoryFile(path, bytes), ctx);
  return { lines: packages.map((p) => `${packageLine(p)} ${(p.licenses ?? []).join(',')}`.trim()), packages, skipped, warnings };
}

describe('dotnet-nupkg', () => {
  it('reads the id, version and licence expression of the nuspec at the root', async () => {
    const { lines, packages, warnings } = await parse(newtonsoft);
    expect(lines).toEqual(['Newtonsoft.Json@13.0.3 pkg:nuget/Newtonsoft.Json@13.0.3 MIT']);
    expect(packages[0]).toMatchObject({ ecosystem: 'NuGet', metadata: { format: 'nupkg' } });
    expect(warnings).toEqual([]);
    // A licence given only as a URL names none.
    expect((await parse(prerelease)).lines).toEqual(['Acme.Tools@2.0.0-beta.2 pkg:nuget/Acme.Tools@2.0.0-beta.2']);
  });

  it.each([
    ['not a zip', () => Buffer.from('not a package')],
    ['no nuspec at its root', () => writeZip([{ name: 'content/Acme.nuspec', data: nuspec('<id>Acme</id><version>1.0.0</version>') }])],
    ['two nuspecs at its root', () => writeZip([{ name: 'A.nuspec', data: nuspec('<id>A</id><version>1.0.0</version>') }, { name: 'B.nuspec', data: nuspec('<id>B</id><version>1.0.0</version>') }])],
    ['a nuspec that is not XML', () => nupkg('A.nuspec', '<package><metadata><id>A</id>')],
    ['a nuspec without <package><metadata>', () => nupkg('A.nuspec', '<?xml version="1.0"?><project><id>A</id></project>')],
  ])('warns about a package with %s', async (_case, make) => {
    const { lines, warnings } = await parse(make());
    expect(lines).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_ARCHIVE']);
  });

  it('skips a nuspec without a valid id or version', async () => {
    for (const metadata of ['<version>1.0.0</version>', '<id>bad id</id><version>1.0.0</version>', '<id>A</id>', '<id>A</id><version>one</version>']) {
      const { lines, skipped, warnings } = await parse(nupkg('A.nuspec', nuspec(metadata)));
      expect(lines).toEqual([]);
      expect(skipped).toHaveLength(1);
      expect(warnings).toEqual([]);
    }
  });

  it('never throws on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        await parseNupkg(memoryFile('/a.nupkg', Buffer.from(bytes)), recordingContext().ctx);
      }),
      { numRuns: 200 },
    );
  });

  describe('in the global packages folder', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'vigil-nupkg-'));
      const write = (path: string, data: Buffer | string) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), data);
      };
      write('root/.nuget/packages/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg', newtonsoft);
      write('root/.nuget/packages/acme.tools/2.0.0-beta.2/acme.tools.2.0.0-beta.2.nupkg', prerelease);
      // The same package resolved for an application: one package, two locations.
      write('app/App.deps.json', JSON.stringify({
        runtimeTarget: { name: '.NETCoreApp,Version=v8.0' },
        targets: { '.NETCoreApp,Version=v8.0': { 'App/1.0.0': { dependencies: { 'Newtonsoft.Json': '13.0.3' } }, 'Newtonsoft.Json/13.0.3': { runtime: { 'lib/net6.0/Newtonsoft.Json.dll': {} } } } },
        libraries: { 'App/1.0.0': { type: 'project', serviceable: false, sha512: '' }, 'Newtonsoft.Json/13.0.3': { type: 'package', serviceable: true, sha512: '', path: 'newtonsoft.json/13.0.3' } },
      }));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('lists each package once, with the application that uses it', async () => {
      const result = await catalogTester().fromDirectory(root).withCatalogers(dotnetDepsJsonCataloger, dotnetNupkgCataloger).run();
      expect(result.packages.map(packageLine)).toEqual(['Acme.Tools@2.0.0-beta.2 pkg:nuget/Acme.Tools@2.0.0-beta.2', 'Newtonsoft.Json@13.0.3 pkg:nuget/Newtonsoft.Json@13.0.3']);
      expect(result.packages.find((p) => p.name === 'Newtonsoft.Json')!.locations.map((l) => l.path)).toEqual([
        '/app/App.deps.json',
        '/root/.nuget/packages/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg',
      ]);
      expect(result.warnings).toEqual([]);
    });
  });
});
