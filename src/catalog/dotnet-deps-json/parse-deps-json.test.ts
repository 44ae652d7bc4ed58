import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { dotnetDepsJsonCataloger } from './index.js';
import { parseDepsJson, parseDepsJsonText } from './parse-deps-json.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/dotnet-depsjson/', import.meta.url));
const sha512 = (text: string) => createHash('sha512').update(text).digest('hex');

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseDepsJsonText(text, ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}`), packages, skipped, warnings };
}

describe('dotnet-deps-json cataloger', () => {
  it('reads package and runtime-pack libraries, not projects or references', async () => {
    const result = await catalogTester()
      .fromDirectory('dotnet-deps-json/app')
      .withCatalogers(dotnetDepsJsonCataloger)
      .expectsPackages([
        'Microsoft.Extensions.Logging.Abstractions@8.0.0 pkg:nuget/Microsoft.Extensions.Logging.Abstractions@8.0.0',
        'Microsoft.NETCore.App.Runtime.linux-x64@8.0.6 pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.6',
        'Npgsql@8.0.3 pkg:nuget/Npgsql@8.0.3',
      ]);
    expect(result.warnings).toEqual([]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('Npgsql')).toEqual({
      name: 'Npgsql',
      version: '8.0.3',
      type: 'nuget',
      purl: 'pkg:nuget/Npgsql@8.0.3',
      ecosystem: 'NuGet',
      hashes: [{ algorithm: 'SHA-512', value: sha512('Npgsql-8.0.3') }],
      locations: [{ path: '/app/Shop.Api.deps.json' }],
      foundBy: 'dotnet-deps-json',
    });
    expect(byName.get('Microsoft.NETCore.App.Runtime.linux-x64')).toMatchObject({ metadata: { libraryType: 'runtimepack' } });
    expect(byName.get('Microsoft.NETCore.App.Runtime.linux-x64')!.hashes).toBeUndefined();
  });

  it('skips malformed libraries and warns about a deps.json without libraries', async () => {
    const result = await catalogTester()
      .fromDirectory('dotnet-deps-json/malformed')
      .withCatalogers(dotnetDepsJsonCataloger)
      .expectsPackages(['Good@1.0.0 pkg:nuget/Good@1.0.0']);
    expect(result.packages[0]!.hashes).toBeUndefined();
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'UNREADABLE_DEPS_JSON', path: '/app/Other.deps.json' }),
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 4, path: '/app/Tool.deps.json' }),
    ]);
  });

  it('splits the key at its last "/"', () => {
    const { lines } = summary(JSON.stringify({ libraries: { 'A.B/1.0.0-rc.1+build.5': { type: 'package' } } }));
    expect(lines).toEqual(['A.B@1.0.0-rc.1+build.5']);
  });

  it.each([['[]'], ['{}'], ['{"libraries": []}'], ['not json']])('warns about %j', (text) => {
    const { packages, warnings } = summary(text);
    expect(packages).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_DEPS_JSON']);
  });

  it('reads through the CatalogFile interface', async () => {
    const file = memoryFile('/app/a.deps.json', '{"libraries":{"A/1.0.0":{"type":"package"},"a/1.0.0":{"type":"project"}}}');
    expect((await parseDepsJson(file, recordingContext().ctx)).map((p) => p.purl)).toEqual(['pkg:nuget/A@1.0.0']);
  });

  it('never throws on arbitrary text or JSON', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void parseDepsJsonText(text, recordingContext().ctx)));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 })), (libraries) => {
        parseDepsJsonText(JSON.stringify({ libraries }), recordingContext().ctx);
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared deps.json files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it('valid: the two package libraries, not the project', () => {
      const { lines, skipped, warnings } = read('valid');
      expect(lines).toEqual(['AWSSDK.Core@3.7.10.6', 'Microsoft.Extensions.DependencyInjection@6.0.0']);
      expect([skipped, warnings]).toEqual([[], []]);
    });

    it('nopackagename: a library key without a version is skipped with its reason', () => {
      const { lines, skipped } = read('nopackagename');
      expect(lines).toEqual(['AWSSDK.Core@3.7.10.6']);
      expect(skipped).toEqual(['library "Microsoft.Extensions.DependencyInjection" is not "Name/Version"']);
    });

    it.each(['invalid', 'empty'])('%s: a warning', (name) => {
      const { packages, warnings } = read(name);
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_DEPS_JSON']);
    });
  });
});
