import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import { imageInventory } from '../../test/harness/inventory.js';
import { cycloneDxVersions } from './cyclonedx/write.js';
import { formatFor, readSbom, sbomFormats } from './index.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/sbom/', import.meta.url));
const fixture = (name: string): string => readFileSync(`${fixtures}${name}`, 'utf8');
const lines = (inventory: Inventory): string[] => inventory.packages.map((p) => `${p.name}@${p.version} ${p.purl}`);

describe('the SBOM format registry', () => {
  it('lists every format once, CycloneDX 1.6 first as the default', () => {
    expect(sbomFormats.map((f) => f.id)).toEqual(['cyclonedx-json', 'cyclonedx-1.6-json', 'cyclonedx-1.5-json', 'cyclonedx-1.4-json', 'spdx-json']);
  });

  it('has a format for every CycloneDX version the writer knows', () => {
    for (const version of cycloneDxVersions) expect(formatFor(`cyclonedx-${version}-json`).mediaType).toBe(`application/vnd.cyclonedx+json; version=${version}`);
    expect(formatFor('cyclonedx-json').mediaType).toBe('application/vnd.cyclonedx+json; version=1.6');
    expect(formatFor('spdx-json').mediaType).toBe('application/spdx+json');
  });

  it.each(sbomFormats.map((f) => [f.id, f] as const))('%s writes a document its own reader recognises', (_id, format) => {
    const text = format.write(imageInventory());
    const document = JSON.parse(text) as { specVersion?: string; spdxVersion?: string };
    if (format.id.startsWith('cyclonedx')) expect(format.mediaType).toContain(`version=${document.specVersion}`);
    else expect(document.spdxVersion).toBe('SPDX-2.3');
    expect(readSbom(text).packages).toHaveLength(imageInventory().packages.length);
  });

  it('rejects an unknown format id with the list of known ones', () => {
    expect(() => formatFor('cyclonedx-xml')).toThrow(/unknown SBOM format "cyclonedx-xml"; choose one of cyclonedx-json, .*spdx-json/);
  });

  it('has unique ids and a writer for each', () => {
    expect(new Set(sbomFormats.map((f) => f.id)).size).toBe(sbomFormats.length);
    for (const format of sbomFormats) expect(formatFor(format.id)).toBe(format);
  });
});

describe('readSbom', () => {
  it.each([
    ['not JSON', '{"bomFormat": ', 'TARGET_CORRUPT', /not valid JSON/],
    ['a JSON array', '[]', 'TARGET_UNRECOGNISED', /expected a JSON object/],
    ['an unrelated object', '{"hello": "world"}', 'TARGET_UNRECOGNISED', /neither bomFormat "CycloneDX" nor spdxVersion "SPDX-2.3"/],
    ['CycloneDX 1.3', '{"bomFormat": "CycloneDX", "specVersion": "1.3"}', 'TARGET_UNRECOGNISED', /CycloneDX specVersion 1.3 is not supported; Vigil reads 1.4, 1.5, 1.6/],
    ['SPDX 2.2', '{"spdxVersion": "SPDX-2.2"}', 'TARGET_UNRECOGNISED', /SPDX-2.2 is not supported; Vigil reads SPDX-2.3 JSON/],
  ])('rejects %s clearly', (_name, text, code, message) => {
    let error: unknown;
    try {
      readSbom(text, { path: 'in.json' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).code).toBe(code);
    expect((error as VigilError).message).toMatch(/^in\.json: /);
    expect((error as VigilError).message).toMatch(message);
  });

  it('accepts a byte order mark', () => {
    expect(() => readSbom(`\uFEFF${formatFor('spdx-json').write(imageInventory())}`)).not.toThrow();
  });

  it("reads another tool's CycloneDX BOM: nested components, the subject's own purl, the first OS", () => {
    const inventory = readSbom(fixture('other-tool.cdx.json'), { path: '/in/bom.json' });
    expect(inventory.target).toEqual({ kind: 'directory', name: 'shop', path: '/in/bom.json' });
    expect(inventory.distro).toEqual({
      id: 'alpine',
      versionId: '3.19.1',
      idLike: [],
      cpeName: 'cpe:2.3:o:alpinelinux:alpine_linux:3.19.1:*:*:*:*:*:*:*',
      source: '/in/bom.json',
    });
    expect(lines(inventory)).toEqual([
      'com.example:shop@1.4.0 pkg:maven/com.example/shop@1.4.0',
      'musl@1.2.4_git20230717-r4 pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1',
      '@angular/core@17.1.0 pkg:npm/%40angular/core@17.1.0',
      'tslib@2.6.2 pkg:npm/tslib@2.6.2',
      'org.springframework:spring-core@6.1.3 pkg:maven/org.springframework/spring-core@6.1.3',
    ]);
    expect(inventory.packages.map((p) => p.licenses)).toEqual([undefined, ['MIT'], ['MIT'], ['Zero-Clause BSD'], undefined]);
    expect(inventory.packages.every((p) => p.foundBy === 'sbom-cyclonedx' && p.locations.length === 0)).toBe(true);
    expect(inventory.warnings).toEqual([
      {
        code: 'SBOM_COMPONENT_SKIPPED',
        message: '3 CycloneDX components left out: none has a purl of a package type Vigil models (first: "bundle.js" has no purl)',
        count: 3,
      },
    ]);
    expect(inventory.tool).toEqual({ name: 'other-scanner', version: '2.7.1' });
    expect(inventory.createdAt).toBe('2024-02-02T10:00:00Z');
  });

  it('reads indexed location properties in index order, the first value of each field, a layer only when whole', () => {
    const property = (name: string, value: string) => ({ name: `vigil:location:${name}`, value });
    const document = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        {
          type: 'library',
          name: 'x',
          version: '1.0.0',
          purl: 'pkg:npm/x@1.0.0',
          properties: [
            { name: 'vigil:package:cataloger', value: 'npm-lock' },
            property('2:path', '/c'),
            property('0:path', '/a'),
            property('0:path', '/ignored'),
            property('0:layer-index', '1'),
            property('2:layer-index', '0'),
            property('0:layer-digest', 'sha256:aa'),
            property('1:layer-index', '0'),
            property('00:layer-diff-id', 'sha256:bb'),
            property('x:path', '/not-indexed'),
            property('3:', '/no-field'),
            property('1:path', '/b'),
          ],
        },
      ],
    };
    expect(readSbom(JSON.stringify(document)).packages[0]!.locations).toEqual([
      { path: '/a', layer: { index: 1, digest: 'sha256:aa', diffId: 'sha256:bb' } },
      { path: '/b' },
      { path: '/c' },
    ]);
  });

  it("reads another tool's SPDX document: the described package is the target, OPERATING-SYSTEM the distro", () => {
    const inventory = readSbom(fixture('other-tool.spdx.json'));
    expect(inventory.target).toEqual({ kind: 'directory', name: 'web-frontend', path: '' });
    expect(inventory.distro).toEqual({
      id: 'ubuntu',
      versionId: '22.04',
      idLike: [],
      cpeName: 'cpe:2.3:o:canonical:ubuntu_linux:22.04:*:*:*:*:*:*:*',
      source: 'sbom',
    });
    expect(lines(inventory)).toEqual([
      'openssl@3.0.2-0ubuntu1.15 pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.15?arch=amd64&distro=ubuntu-22.04',
      'react@18.2.0 pkg:npm/react@18.2.0',
      'left-pad@1.3.0 pkg:npm/left-pad@1.3.0',
    ]);
    expect(inventory.packages.map((p) => p.licenses)).toEqual([['Apache-2.0'], undefined, ['WTFPL']]);
    expect(inventory.warnings.map((w) => [w.code, w.count])).toEqual([['SBOM_PACKAGE_SKIPPED', 2]]);
    expect(inventory.tool).toEqual({ name: 'other-scanner', version: '2.7.1' });
    expect(inventory.createdAt).toBe('2024-03-01T12:00:00Z');
  });
});

describe("the ecosystem of another tool's packages", () => {
  const cyclonedx = (purls: string[]) =>
    JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: purls.map((purl, i) => ({ type: 'library', 'bom-ref': `c${i}`, name: /\/([^/@]+)@/.exec(purl)![1], version: /@([^?]+)/.exec(purl)![1], purl })) });
  const ecosystems = (inventory: Inventory) => inventory.packages.map((p) => `${p.name} ${p.ecosystem ?? '-'}`);

  it('is the public registry of the purl type, so a Syft or Trivy SBOM is matched', () => {
    const inventory = readSbom(cyclonedx(['pkg:npm/lodash@4.17.20', 'pkg:pypi/jinja2@3.1.2', 'pkg:cargo/smallvec@1.6.0', 'pkg:golang/golang.org/x/net@v0.7.0', 'pkg:deb/debian/openssl@3.0.11-1~deb12u1']));
    expect(ecosystems(inventory)).toEqual(['lodash npm', 'jinja2 PyPI', 'smallvec crates.io', 'net Go', 'openssl -']);
  });

  it('is none when the purl names another registry: a private package is not the public one', () => {
    const inventory = readSbom(cyclonedx(['pkg:npm/lodash@4.17.20?repository_url=https://npm.example.com']));
    expect(ecosystems(inventory)).toEqual(['lodash -']);
  });

  it('takes the name from the purl in SPDX, where the package name is free text', () => {
    const spdx = JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'app',
      documentNamespace: 'https://example.com/app',
      creationInfo: { created: '2026-11-01T00:00:00Z', creators: ['Tool: other'] },
      packages: [
        { SPDXID: 'SPDXRef-a', name: 'log4j-core', versionInfo: '2.14.1', downloadLocation: 'NOASSERTION', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }] },
        { SPDXID: 'SPDXRef-b', name: 'core', versionInfo: '7.23.2', downloadLocation: 'NOASSERTION', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/%40babel/core@7.23.2' }] },
      ],
    });
    expect(ecosystems(readSbom(spdx))).toEqual(['org.apache.logging.log4j:log4j-core Maven', '@babel/core npm']);
  });
});
