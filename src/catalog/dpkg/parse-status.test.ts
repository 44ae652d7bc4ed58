import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { catalogTester } from '../../../test/harness/catalog.js';
import { dpkgCataloger } from './index.js';
import { parseDpkgStatusText, parseSourceField } from './parse-status.js';

const sharedDpkg = fileURLToPath(new URL('../../../../shared/data/os-package-dbs/dpkg/testdata/dpkg/', import.meta.url));

function collect() {
  const skipped: string[] = [];
  return { skipped, ctx: { skip: (reason: string) => void skipped.push(reason) } };
}

describe('dpkg cataloger', () => {
  it('lists installed packages with epochs, architectures and source packages', async () => {
    const result = await catalogTester()
      .fromDirectory('dpkg/multiple')
      .withCatalogers(dpkgCataloger)
      .expectsPackages([
        'bash@5.2.15-2+b7 pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2',
        'libssl3@3.0.11-1~deb12u2 pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl',
        'libssl3@3.0.11-1~deb12u2 pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=i386&distro=debian-12&upstream=openssl',
        'tzdata@2024a-0+deb12u1 pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12',
        'login@1:4.13+dfsg1-1+b1 pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12&upstream=shadow',
        'man-db@2.11.2-2 pkg:deb/debian/man-db@2.11.2-2?arch=amd64&distro=debian-12',
      ]);
    const bash = result.packages.find((p) => p.name === 'bash')!;
    expect(bash.source).toEqual({ name: 'bash', version: '5.2.15-2' });
    expect(bash.locations).toEqual([{ path: '/var/lib/dpkg/status' }]);
    expect(bash.foundBy).toBe('dpkg');
    expect(bash.metadata).toMatchObject({ installedSizeKiB: 7175, multiArch: 'foreign' });
    const ssl = result.packages.find((p) => p.name === 'libssl3')!;
    expect(ssl.source).toEqual({ name: 'openssl', version: '3.0.11-1~deb12u2' });
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1, path: '/var/lib/dpkg/status' }),
    ]);
    expect(result.warnings[0]!.message).toContain('libbroken');
  });

  it('reads distroless status.d files and ignores their md5sums', async () => {
    await catalogTester()
      .fromDirectory('dpkg/distroless')
      .withCatalogers(dpkgCataloger)
      .expectsPackages([
        'base-files@12.4+deb12u5 pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12',
        'libssl3@3.0.14-1~deb12u1 pkg:deb/debian/libssl3@3.0.14-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl',
      ]);
  });

  it('reads only the paths it declares', async () => {
    await catalogTester()
      .fromDirectory('dpkg/distroless')
      .withCatalogers(dpkgCataloger)
      .expectsPathsRead([
        '/var/lib/dpkg/status.d/base-files',
        '/var/lib/dpkg/status.d/base-files.md5sums',
        '/var/lib/dpkg/status.d/libssl3',
      ]);
  });

  it.each([
    ['openssl', { name: 'openssl' }],
    ['openssl (3.0.11-1~deb12u2)', { name: 'openssl', version: '3.0.11-1~deb12u2' }],
    ['gcc-12 (12.2.0-14)', { name: 'gcc-12', version: '12.2.0-14' }],
    ['glibc (2.36-9+deb12u4) ', { name: 'glibc', version: '2.36-9+deb12u4' }],
    ['bad (1.0', undefined],
    ['two words', undefined],
  ])('parses Source: %s', (field, expected) => {
    expect(parseSourceField(field)).toEqual(expected);
  });

  it('handles CRLF, missing trailing newline and continuation lines before any field', () => {
    const { ctx, skipped } = collect();
    const text = ' stray continuation\r\nPackage: a\r\nStatus: install ok installed\r\nVersion: 1.0\r\n\r\nPackage: b\nVersion: 2.0';
    const packages = parseDpkgStatusText(text, ctx);
    expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['a@1.0', 'b@2.0']);
    expect(skipped).toEqual([]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        const { ctx } = collect();
        parseDpkgStatusText(text, ctx);
      }),
    );
  });

  it('never throws on mutated real status records', () => {
    const base = 'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib (1:1.2.13.dfsg-1)\nVersion: 1:1.2.13.dfsg-1\n\n';
    fc.assert(
      fc.property(fc.nat(base.length), fc.string({ maxLength: 20 }), (at, insert) => {
        const { ctx } = collect();
        parseDpkgStatusText(base.slice(0, at) + insert + base.slice(at), ctx);
      }),
    );
  });

  describe.skipIf(!existsSync(sharedDpkg))('on the osv-scalibr dpkg test databases', () => {
    const cases: Array<[string, string[], number]> = [
      ['single', ['acl@2.3.1-3'], 0],
      ['empty', [], 0],
      ['nopackage', ['foo@1.0', 'bar@2.0'], 1],
      ['noversion', ['foo@1.0', 'bar@2.0'], 1],
      ['trailingnewlines', ['acl@2.3.1-3'], 0],
    ];
    it.each(cases)('%s', (name, expected, skips) => {
      const { ctx, skipped } = collect();
      const packages = parseDpkgStatusText(readFileSync(`${sharedDpkg}${name}`, 'utf8'), ctx);
      expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(expected);
      expect(skipped).toHaveLength(skips);
    });

    it('lists every installed package of the real "valid" status file and no others', () => {
      const text = readFileSync(`${sharedDpkg}valid`, 'utf8');
      const { ctx, skipped } = collect();
      const packages = parseDpkgStatusText(text, ctx);
      const installed = text
        .split(/\n\n+/)
        .filter((record) => /^Status: \S+ \S+ (installed|triggers-pending|triggers-awaited)$/m.test(record))
        .map((record) => /^Package: (.*)$/m.exec(record)![1]);
      expect(packages.map((p) => p.name)).toEqual(installed);
      expect(packages.length).toBe(7);
      expect(skipped).toEqual([]);
    });

    it('files exist as listed', () => {
      expect(readdirSync(sharedDpkg)).toEqual(expect.arrayContaining(cases.map(([name]) => name)));
    });
  });
});
