import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester } from '../../../test/harness/catalog.js';
import { apkCataloger } from './index.js';
import { parseApkInstalledText } from './parse-installed.js';

const sharedApk = fileURLToPath(new URL('../../../../shared/data/os-package-dbs/apk/testdata/', import.meta.url));

function collect() {
  const skipped: string[] = [];
  return { skipped, ctx: { skip: (reason: string) => void skipped.push(reason) } };
}

describe('apk cataloger', () => {
  it('lists installed packages with their origin as the source package', async () => {
    const result = await catalogTester()
      .fromDirectory('apk/alpine-3.20')
      .withCatalogers(apkCataloger)
      .expectsPackages([
        'musl@1.2.5-r0 pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3',
        'libcrypto3@3.3.2-r0 pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3&upstream=openssl',
        'busybox-binsh@1.36.1-r29 pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox',
        'no-origin@2.0-r1 pkg:apk/alpine/no-origin@2.0-r1?arch=noarch&distro=alpine-3.20.3',
      ]);
    const crypto = result.packages.find((p) => p.name === 'libcrypto3')!;
    expect(crypto.source).toEqual({ name: 'openssl', version: '3.3.2-r0' });
    expect(crypto.licenses).toEqual(['Apache-2.0']);
    expect(crypto.locations).toEqual([{ path: '/lib/apk/db/installed' }]);
    expect(result.packages.find((p) => p.name === 'no-origin')!.source).toEqual({ name: 'no-origin', version: '2.0-r1' });
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1 })]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        parseApkInstalledText(text, collect().ctx);
      }),
    );
  });

  describe.skipIf(!existsSync(sharedApk))('on the osv-scalibr apk test databases', () => {
    it('reads the real installed database: every P: record with a version', () => {
      const text = readFileSync(`${sharedApk}installed`, 'utf8');
      const { ctx, skipped } = collect();
      const packages = parseApkInstalledText(text, ctx);
      const names = [...text.matchAll(/^P:(.*)$/gm)].map((m) => m[1]);
      expect(packages.map((p) => p.name)).toEqual(names);
      expect(packages.length).toBeGreaterThan(5);
      expect(skipped).toEqual([]);
      for (const p of packages) expect(p.version).toMatch(/-r\d+$/);
    });

    it('falls back to the package name when origin is missing', () => {
      const packages = parseApkInstalledText(readFileSync(`${sharedApk}no-origin`, 'utf8'), collect().ctx);
      expect(packages.length).toBeGreaterThan(0);
      for (const p of packages) expect(p.source!.name).toBe(p.name);
    });

    it('keeps the recorded architecture', () => {
      const packages = parseApkInstalledText(readFileSync(`${sharedApk}different-arch`, 'utf8'), collect().ctx);
      expect(packages.length).toBeGreaterThan(0);
      expect(packages.every((p) => p.arch && p.arch !== 'x86_64')).toBe(true);
    });
  });
});
