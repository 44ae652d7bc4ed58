import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { dotnetPackagesLockCataloger } from './index.js';
import { isNugetId, isNugetVersion, sha512FromBase64 } from './nuget-package.js';
import { parsePackagesLock, parsePackagesLockText } from './parse-packages-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/dotnet-packageslockjson/', import.meta.url));
/** The fixtures' content hashes are the SHA-512 of "<id>-<version>". */
const sha512 = (text: string) => createHash('sha512').update(text).digest('hex');

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parsePackagesLockText(text, ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}`), packages, skipped, warnings };
}

describe('dotnet-packages-lock cataloger', () => {
  it('reads every target framework, leaves out projects, keeps the id case', async () => {
    const result = await catalogTester()
      .fromDirectory('dotnet-packages-lock/app')
      .withCatalogers(dotnetPackagesLockCataloger)
      .expectsPackages([
        'Microsoft.NETCore.App.Runtime.linux-x64@8.0.6 pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.6',
        'Serilog.AspNetCore@7.0.0 pkg:nuget/Serilog.AspNetCore@7.0.0',
        'Serilog.AspNetCore@8.0.1 pkg:nuget/Serilog.AspNetCore@8.0.1',
        'Serilog@2.12.0 pkg:nuget/Serilog@2.12.0',
        'System.Text.Json@8.0.4 pkg:nuget/System.Text.Json@8.0.4',
      ]);
    expect(result.warnings).toEqual([]);
    const byId = new Map(result.packages.map((p) => [`${p.name}@${p.version}`, p]));
    expect(byId.get('Serilog@2.12.0')).toEqual({
      name: 'Serilog',
      version: '2.12.0',
      type: 'nuget',
      purl: 'pkg:nuget/Serilog@2.12.0',
      ecosystem: 'NuGet',
      hashes: [{ algorithm: 'SHA-512', value: sha512('Serilog-2.12.0') }],
      // Transitive under net6.0, direct under net8.0: direct.
      metadata: { dependencyType: 'Direct', targetFrameworks: 'net6.0,net8.0' },
      locations: [{ path: '/src/Shop.Api/packages.lock.json' }],
      foundBy: 'dotnet-packages-lock',
    });
    expect(byId.get('System.Text.Json@8.0.4')!.metadata).toEqual({ dependencyType: 'CentralTransitive', targetFrameworks: 'net6.0' });
    expect(byId.get('Microsoft.NETCore.App.Runtime.linux-x64@8.0.6')!.metadata).toEqual({ dependencyType: 'Direct', targetFrameworks: 'net8.0' });
    expect(result.packages.some((p) => p.development !== undefined)).toBe(false);
  });

  it('skips malformed entries and warns about a file that is not JSON', async () => {
    const result = await catalogTester()
      .fromDirectory('dotnet-packages-lock/malformed')
      .withCatalogers(dotnetPackagesLockCataloger)
      .expectsPackages(['Good.Package@1.0.0 pkg:nuget/Good.Package@1.0.0']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 4, path: '/a/packages.lock.json' }),
      expect.objectContaining({ code: 'UNREADABLE_LOCKFILE', path: '/b/packages.lock.json' }),
    ]);
  });

  it.each([
    ['Newtonsoft.Json', true],
    ['xunit.runner.visualstudio', true],
    ['_Internal', true],
    ['Bad Id', false],
    ['.Leading', false],
    ['', false],
    ['a'.repeat(101), false],
  ])('NuGet id %j valid: %s', (id, valid) => {
    expect(isNugetId(id)).toBe(valid);
  });

  it.each([
    ['1.0', true],
    ['1.0.0.0', true],
    ['8.0.0-preview.7.23375.6', true],
    ['1.0.0-beta1+sha.5114f85', true],
    ['1.0.0.0.0', false],
    ['[1.0.0, )', false],
    ['1.*', false],
    ['v1.0', false],
  ])('NuGet version %j valid: %s', (version, valid) => {
    expect(isNugetVersion(version)).toBe(valid);
  });

  it('reads content hashes, with or without the "sha512-" prefix, and nothing else', () => {
    const base64 = createHash('sha512').update('x').digest('base64');
    const hex = createHash('sha512').update('x').digest('hex');
    expect(sha512FromBase64(base64)).toEqual({ algorithm: 'SHA-512', value: hex });
    expect(sha512FromBase64(`sha512-${base64}`)).toEqual({ algorithm: 'SHA-512', value: hex });
    expect(sha512FromBase64('sha512-')).toBeUndefined();
    expect(sha512FromBase64(createHash('sha256').update('x').digest('base64'))).toBeUndefined();
  });

  it.each([
    ['[]', 'UNREADABLE_LOCKFILE'],
    ['{}', 'UNREADABLE_LOCKFILE'],
    ['{"version": 1, "dependencies": []}', 'UNREADABLE_LOCKFILE'],
    ['\uFEFF{"version": 1, "dependencies": {}}', undefined],
  ])('gives no packages for %j', (text, code) => {
    const { packages, warnings } = summary(text);
    expect(packages).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(code ? [code] : []);
  });

  it('reads through the CatalogFile interface', async () => {
    const file = memoryFile('/p/packages.lock.json', '{"version":1,"dependencies":{"net8.0":{"A":{"type":"Direct","resolved":"1.0.0"}}}}');
    expect((await parsePackagesLock(file, recordingContext().ctx)).map((p) => p.purl)).toEqual(['pkg:nuget/A@1.0.0']);
  });

  it('never throws on arbitrary text or JSON', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void parsePackagesLockText(text, recordingContext().ctx)));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), (target, entry) => {
        parsePackagesLockText(JSON.stringify({ version: 1, dependencies: { 'net8.0': target } }), recordingContext().ctx);
        parsePackagesLockText(JSON.stringify({ version: 1, dependencies: { 'net8.0': { A: entry } } }), recordingContext().ctx);
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared packages.lock.json files', () => {
    it('valid/packages.lock.json: one direct and seven transitive packages', () => {
      const { lines, packages, skipped, warnings } = summary(readFileSync(`${shared}valid/packages.lock.json`, 'utf8'));
      expect(lines).toEqual([
        'Core.Dep@1.24.0',
        'Some.Dep.One@1.1.1',
        'Some.Dep.Two@4.6.0',
        'Some.Dep.Three@1.0.2',
        'Some.Dep.Four@4.5.0',
        'Some.Longer.Name.Dep@4.7.2',
        'Some.Dep.Five@4.7.2',
        'Another.Longer.Name.Dep@4.5.4',
      ]);
      expect([skipped, warnings]).toEqual([[], []]);
      expect(packages[0]).toMatchObject({ purl: 'pkg:nuget/Core.Dep@1.24.0', metadata: { dependencyType: 'Direct', targetFrameworks: 'net6.0' } });
      expect(packages.every((p) => p.hashes?.[0]?.algorithm === 'SHA-512' && p.hashes[0].value.length === 128)).toBe(true);
    });

    it('invalid/invalid: a warning', () => {
      expect(summary(readFileSync(`${shared}invalid/invalid`, 'utf8')).warnings.map((w) => w.code)).toEqual(['UNREADABLE_LOCKFILE']);
    });
  });
});
