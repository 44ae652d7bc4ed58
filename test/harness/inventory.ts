/**
 * Inventories for SBOM tests: hand-written fixtures covering the awkward cases (image and
 * directory targets, epochs, scoped npm names, unicode, licences that are not SPDX expressions,
 * development dependencies, hashes),
 * fast-check arbitraries for property tests, and `canonicalInventory`, the form an Inventory
 * takes after a write and a read.
 */
import fc from 'fast-check';
import type { Distro } from '../../src/model/distro.js';
import type { Inventory, TargetDescription } from '../../src/model/inventory.js';
import type { LayerRef, Location, Package, PackageHash, PackageMetadata, PackageType } from '../../src/model/package.js';
import { buildPurl, distroQualifier, type PurlParts } from '../../src/model/purl.js';
import type { Warning } from '../../src/model/warning.js';
import { isWellFormedHash } from '../../src/sbom/hashes.js';
import { sortPackages } from '../../src/sbom/order.js';

const digest = (seed: string): string => `sha256:${seed.repeat(64).slice(0, 64)}`;
/** Lower-case hex of the given length, from a hex seed. */
const hex = (seed: string, length: number): string => seed.repeat(length).slice(0, length);

export const layers: LayerRef[] = [
  { index: 0, digest: digest('a1'), diffId: digest('d1') },
  { index: 1, digest: digest('b2'), diffId: digest('e2') },
  { index: 2, digest: digest('c3') },
];

export const debian: Distro = {
  id: 'debian',
  versionId: '12',
  codename: 'bookworm',
  idLike: [],
  name: 'Debian GNU/Linux',
  prettyName: 'Debian GNU/Linux 12 (bookworm)',
  source: '/etc/os-release',
};

export const rocky: Distro = {
  id: 'rocky',
  versionId: '9.3',
  idLike: ['rhel', 'centos', 'fedora'],
  name: 'Rocky Linux',
  prettyName: 'Rocky Linux 9.3 (Blue Onyx)',
  cpeName: 'cpe:/o:rocky:rocky:9::baseos',
  source: '/etc/os-release',
};

const dpkgStatus = '/var/lib/dpkg/status';

function deb(name: string, version: string, extra: Partial<Package> = {}): Package {
  return {
    name,
    version,
    type: 'deb',
    purl: buildPurl({ type: 'deb', namespace: 'debian', name, version, qualifiers: { arch: 'amd64', distro: distroQualifier(debian) } }),
    arch: 'amd64',
    source: { name, version },
    locations: [{ path: dpkgStatus, layer: layers[0] }],
    layer: layers[0],
    foundBy: 'dpkg',
    ...extra,
  };
}

export const imageTarget: TargetDescription = {
  kind: 'oci-archive',
  name: 'registry.example.com/team/app:1.2.3',
  path: '/tmp/app.tar',
  manifestDigest: digest('f0'),
  imageId: digest('9c'),
  platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  layers,
  tags: ['registry.example.com/team/app:1.2.3', 'app:latest'],
};

/** A Debian image: OS packages with epochs and source packages, an npm app in a later layer. */
export function imageInventory(): Inventory {
  return {
    target: imageTarget,
    distro: debian,
    packages: [
      deb('libc6', '2.36-9+deb12u4', { source: { name: 'glibc', version: '2.36-9+deb12u4' }, licenses: ['GPL-2.0-or-later AND LGPL-2.1-or-later'], metadata: { installedSizeKiB: 12988, maintainer: 'GNU Libc Maintainers <debian-glibc@lists.debian.org>', essential: false } }),
      deb('bsdutils', '1:2.38.1-5+deb12u1', { source: { name: 'util-linux', version: '2.38.1-5+deb12u1' }, licenses: ['BSD-4-Clause', 'GPL-2.0+', 'public-domain'] }),
      deb('libstdc++6', '12.2.0-14', { source: { name: 'gcc-12' }, licenses: ['GPL-3.0-only WITH GCC-exception-3.1'] }),
      deb('tzdata', '2024a-0+deb12u1', { arch: 'all', purl: buildPurl({ type: 'deb', namespace: 'debian', name: 'tzdata', version: '2024a-0+deb12u1', qualifiers: { arch: 'all', distro: 'debian-12' } }) }),
      {
        name: '@babel/core',
        version: '7.24.0',
        type: 'npm',
        purl: buildPurl({ type: 'npm', namespace: '@babel', name: 'core', version: '7.24.0' }),
        ecosystem: 'npm',
        licenses: ['MIT'],
        development: true,
        hashes: [{ algorithm: 'SHA-512', value: hex('5e12', 128) }],
        locations: [
          { path: '/app/package-lock.json', layer: layers[2] },
          { path: '/app/node_modules/@babel/core/package.json', layer: layers[2] },
        ],
        layer: layers[2],
        foundBy: 'npm-lock',
        metadata: { dev: true, resolved: 'https://registry.npmjs.org/@babel/core/-/core-7.24.0.tgz' },
      },
    ],
    warnings: [{ code: 'MALFORMED_RECORD', message: 'package foo (line 12) has no Version', path: dpkgStatus, count: 2 }],
    catalogers: [
      { name: 'dpkg', version: 1 },
      { name: 'npm-lock', version: 3 },
    ],
    createdAt: '2024-05-06T07:08:09.123Z',
    tool: { name: 'vigil', version: '0.1.0' },
  };
}

/** A directory with odd names, unicode, rpm epochs, duplicates and licences that are not SPDX expressions. */
export function directoryInventory(): Inventory {
  const pypi = (name: string, version: string, extra: Partial<Package> = {}): Package => ({
    name,
    version,
    type: 'pypi',
    purl: buildPurl({ type: 'pypi', name: name.toLowerCase(), version }),
    ecosystem: 'PyPI',
    locations: [{ path: '/srv/app/requirements.txt' }],
    foundBy: 'python-requirements',
    ...extra,
  });
  return {
    target: { kind: 'directory', name: 'srv app (ünïcødé) #1', path: '/srv/app' },
    distro: rocky,
    packages: [
      {
        name: 'kernel-core',
        version: '1:5.14.0-362.8.1.el9_3',
        type: 'rpm',
        purl: buildPurl({ type: 'rpm', namespace: 'rocky', name: 'kernel-core', version: '5.14.0-362.8.1.el9_3', qualifiers: { arch: 'x86_64', epoch: '1', distro: 'rocky-9.3' } }),
        arch: 'x86_64',
        source: { name: 'kernel', version: '5.14.0-362.8.1.el9_3' },
        licenses: ['GPLv2 and Redistributable, no modification permitted'],
        locations: [{ path: '/var/lib/rpm/rpmdb.sqlite' }],
        foundBy: 'rpm',
        metadata: { epoch: 1, vendor: 'Rocky Enterprise Software Foundation' },
      },
      pypi('Django', '4.2.11', { licenses: ['BSD-3-Clause'], development: false, hashes: [] }),
      pypi('Django', '4.2.11', { licenses: ['BSD-3-Clause'] }),
      pypi('pytest', '8.1.1', { development: true, hashes: [{ algorithm: 'MD5', value: hex('d5', 32) }], locations: [{ path: '/srv/app/requirements-dev.txt' }] }),
      pypi('zope.interface', '6.2', { licenses: ['ZPL 2.1', 'Lizenz für alle ✓', 'MIT OR (Apache-2.0 AND BSD-2-Clause)'] }),
      pypi('naïve-pkg', '0.0.1.dev0+local', { licenses: [''], metadata: { 'key with spaces': 'v', 'a:b': -3.5, 'ü': 'ß' } }),
      {
        name: 'github.com/Azure/go-autorest/autorest',
        version: 'v0.11.29',
        type: 'golang',
        purl: buildPurl({ type: 'golang', namespace: 'github.com/azure/go-autorest', name: 'autorest', version: 'v0.11.29' }),
        ecosystem: 'Go',
        locations: [{ path: '/srv/app/go.mod' }],
        foundBy: 'go-mod',
      },
      {
        name: 'org.apache.logging.log4j:log4j-core',
        version: '2.14.1',
        type: 'maven',
        purl: buildPurl({ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1' }),
        ecosystem: 'Maven',
        licenses: ['Apache License, Version 2.0'],
        hashes: [
          { algorithm: 'SHA-1', value: hex('a1b2c3', 40) },
          { algorithm: 'SHA-256', value: hex('0f', 64) },
        ],
        locations: [{ path: '/srv/app/lib/log4j-core-2.14.1.jar' }, { path: '/srv/app/lib/fat.jar!/log4j-core-2.14.1.jar' }],
        foundBy: 'java-archive',
      },
      {
        name: 'no-purl-thing',
        version: '',
        type: 'gem',
        purl: '',
        locations: [],
        foundBy: 'gemspec',
      },
    ],
    warnings: [
      { code: 'FILE_TOO_LARGE', message: 'skipped a 3 GiB file', path: '/srv/app/big.bin' },
      { code: 'NOTE', message: '' },
    ],
    catalogers: [{ name: 'rpm', version: 2 }],
    createdAt: '2024-12-31T23:59:59Z',
    tool: { name: 'vigil', version: '0.1.0-dev+abc' },
  };
}

/** The inventory with no distro (a distroless or scratch target). */
export function withoutDistro(inventory: Inventory): Inventory {
  const { distro: _distro, ...rest } = inventory;
  return rest;
}

/** An inventory with nothing found. */
export function emptyInventory(): Inventory {
  return {
    target: { kind: 'directory', name: '', path: '' },
    packages: [],
    warnings: [],
    catalogers: [],
    createdAt: '2024-01-01T00:00:00.000Z',
    tool: { name: 'vigil', version: '' },
  };
}

export const fixtureInventories: [string, () => Inventory][] = [
  ['image with distro', imageInventory],
  ['image without distro', () => withoutDistro(imageInventory())],
  ['directory with distro', directoryInventory],
  ['directory without distro', () => withoutDistro(directoryInventory())],
  ['empty directory', emptyInventory],
];

/**
 * The form an inventory has after write → read: packages in writer order; an empty licence list,
 * hash list or metadata object the same as none (CycloneDX has nothing to write for either);
 * `development: false` the same as absent; a hash that is not lower-case hex of its algorithm's
 * length left out (the writers drop it).
 */
export function canonicalInventory(inventory: Inventory): Inventory {
  return {
    ...inventory,
    packages: sortPackages(inventory.packages).map((pkg) => {
      const { licenses, development, hashes, metadata, ...rest } = pkg;
      const kept = (hashes ?? []).filter(isWellFormedHash);
      return {
        ...rest,
        ...(licenses && licenses.length > 0 ? { licenses } : {}),
        ...(development === true ? { development } : {}),
        ...(kept.length > 0 ? { hashes: kept } : {}),
        ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// fast-check arbitraries

/** fc.record with ordinary (not null-prototype) objects, so they compare equal to what a reader builds. */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, optional?: { requiredKeys: (keyof T)[] }): fc.Arbitrary<T> {
  return (
    optional ? fc.record(model, { requiredKeys: optional.requiredKeys, noNullPrototype: true }) : fc.record(model, { noNullPrototype: true })
  ) as fc.Arbitrary<T>;
}

const lowerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const mixedName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9+._~-]{0,15}$/);
const oddNames = ['naïve', 'пакет', '包', 'emoji-😀', 'a b', 'x/y', 'c#', 'q?r&s=t', '100%', 'libstdc++6'];
const unicodeName = fc.oneof(mixedName, fc.constantFrom(...oddNames, 'Ünïcode'));
/** For purl types whose names packageurl-js lower-cases (deb, apk, npm, pypi, composer). */
const lowerOddName = fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9+._~-]{0,15}$/), fc.constantFrom(...oddNames));
const versionText = fc.oneof(
  fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,3}$/),
  fc.stringMatching(/^[0-9]{1,2}:[0-9][0-9a-z.+~-]{0,12}$/),
  fc.constantFrom('1.0~rc1-1', '2:1.2.3-4ubuntu0.1', 'v0.0.0-20240101000000-abcdef123456', '1.0.0-beta.1+exp.sha.5114f85', 'ü1'),
);
const anyText = fc.string({ unit: 'grapheme', maxLength: 24 });
const digestText = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);

const layerRef: fc.Arbitrary<LayerRef> = record(
  { index: fc.nat(20), digest: digestText, diffId: digestText },
  { requiredKeys: ['index', 'digest'] },
);

const location: fc.Arbitrary<Location> = record({ path: fc.oneof(anyText, fc.constant('/var/lib/dpkg/status')), layer: layerRef }, { requiredKeys: ['path'] });

const metadata: fc.Arbitrary<PackageMetadata> = fc.dictionary(
  fc.oneof(lowerName, anyText),
  fc.oneof(anyText, fc.integer(), fc.boolean(), fc.constantFrom(0.5, -1e21, 3.14159)),
  { minKeys: 1, maxKeys: 4, noNullPrototype: true },
);

const licenseText = fc.oneof(
  fc.constantFrom('MIT', 'Apache-2.0', 'GPL-2.0+', 'MIT OR Apache-2.0', '(MIT AND BSD-3-Clause) OR GPL-3.0-only WITH Classpath-exception-2.0', 'LicenseRef-custom', 'LicenseRef-x.y-1'),
  fc.constantFrom('GPLv2+ and LGPL', 'mit or apache', 'Public Domain', 'BSD (3 clause)', 'NOASSERTION', '', 'DocumentRef-x:LicenseRef-y', 'Lizenz für alle'),
  anyText,
);

const hexOf = (length: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));

const wellFormedHash: fc.Arbitrary<PackageHash> = fc.oneof(
  hexOf(32).map((value): PackageHash => ({ algorithm: 'MD5', value })),
  hexOf(40).map((value): PackageHash => ({ algorithm: 'SHA-1', value })),
  hexOf(64).map((value): PackageHash => ({ algorithm: 'SHA-256', value })),
  hexOf(128).map((value): PackageHash => ({ algorithm: 'SHA-512', value })),
);

/** Hashes a writer must leave out: upper-case hex, the wrong length for the algorithm, empty. */
const malformedHash: fc.Arbitrary<PackageHash> = fc.oneof(
  hexOf(40).map((value): PackageHash => ({ algorithm: 'SHA-1', value: `A${value.slice(1).toUpperCase()}` })),
  hexOf(40).map((value): PackageHash => ({ algorithm: 'SHA-256', value })),
  fc.constant<PackageHash>({ algorithm: 'MD5', value: '' }),
);

const packageHash = fc.oneof({ weight: 8, arbitrary: wellFormedHash }, { weight: 1, arbitrary: malformedHash });

/** A package plus the purl parts it was built from (what a parse of its purl must give back). */
export interface GeneratedPackage {
  pkg: Package;
  parts: PurlParts;
}

interface Identity {
  type: PackageType;
  name: string;
  parts: Omit<PurlParts, 'version' | 'type'>;
}

const identity: fc.Arbitrary<Identity> = fc.oneof(
  record({ ns: fc.constantFrom('debian', 'ubuntu'), name: lowerOddName, arch: fc.constantFrom('amd64', 'all', undefined), distro: fc.constantFrom('debian-12', 'ubuntu-22.04', undefined) }).map(
    ({ ns, name, arch, distro }): Identity => ({ type: 'deb', name, parts: { namespace: ns, name, qualifiers: qualifiers({ arch, distro }) } }),
  ),
  record({ name: mixedName, epoch: fc.constantFrom('1', '0', undefined) }).map(
    ({ name, epoch }): Identity => ({ type: 'rpm', name, parts: { namespace: 'fedora', name, qualifiers: qualifiers({ arch: 'x86_64', epoch }) } }),
  ),
  lowerOddName.map((name): Identity => ({ type: 'apk', name, parts: { namespace: 'alpine', name, qualifiers: { arch: 'aarch64' } } })),
  record({ scope: fc.option(lowerName, { nil: undefined }), name: lowerName }).map(
    ({ scope, name }): Identity => ({
      type: 'npm',
      name: scope ? `@${scope}/${name}` : name,
      parts: scope ? { namespace: `@${scope}`, name } : { name },
    }),
  ),
  lowerName.map((name): Identity => ({ type: 'pypi', name, parts: { name } })),
  record({ group: fc.stringMatching(/^[a-z]{2,5}(\.[A-Za-z]{2,6}){1,2}$/), name: mixedName }).map(
    ({ group, name }): Identity => ({ type: 'maven', name: `${group}:${name}`, parts: { namespace: group, name } }),
  ),
  record({ owner: lowerName, name: lowerName }).map(
    ({ owner, name }): Identity => ({ type: 'golang', name: `github.com/${owner}/${name}`, parts: { namespace: `github.com/${owner}`, name } }),
  ),
  fc.constantFrom<PackageType>('cargo', 'gem', 'nuget').chain((type) => mixedName.map((name): Identity => ({ type, name, parts: { name } }))),
  record({ vendor: lowerName, name: lowerName }).map(
    ({ vendor, name }): Identity => ({ type: 'composer', name: `${vendor}/${name}`, parts: { namespace: vendor, name } }),
  ),
);

function qualifiers(values: Record<string, string | undefined>): Record<string, string> | undefined {
  const kept = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

export const generatedPackage: fc.Arbitrary<GeneratedPackage> = fc
  .record(
    {
      identity,
      version: versionText,
      rest: record(
        {
          ecosystem: fc.constantFrom('npm', 'PyPI', 'Go', 'Maven'),
          arch: fc.constantFrom('amd64', 'noarch', ''),
          source: record({ name: unicodeName, version: versionText }, { requiredKeys: ['name'] }),
          licenses: fc.array(licenseText, { maxLength: 3 }),
          development: fc.boolean(),
          hashes: fc.array(packageHash, { maxLength: 3 }),
          layer: layerRef,
          metadata,
        },
        { requiredKeys: [] },
      ),
      locations: fc.array(location, { maxLength: 3 }),
      foundBy: fc.constantFrom('dpkg', 'rpm', 'apk', 'npm-lock', 'python-dist', 'java-archive'),
    },
  )
  .map(({ identity, version, rest, locations, foundBy }) => {
    const parts: PurlParts = {
      type: identity.type,
      ...(identity.parts.namespace ? { namespace: identity.parts.namespace } : {}),
      name: identity.parts.name,
      version,
      ...(identity.parts.qualifiers ? { qualifiers: identity.parts.qualifiers } : {}),
    };
    const pkg: Package = { name: identity.name, version, type: identity.type, purl: buildPurl(parts), ...rest, locations, foundBy };
    return { pkg, parts };
  });

const distro: fc.Arbitrary<Distro> = record(
  {
    id: fc.oneof(lowerName, anyText),
    versionId: anyText,
    codename: anyText,
    idLike: fc.array(anyText, { maxLength: 3 }),
    name: anyText,
    prettyName: anyText,
    cpeName: fc.oneof(fc.constant('cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:*'), fc.constant('cpe:/o:redhat:enterprise_linux:9::baseos'), anyText),
    source: fc.constantFrom('/etc/os-release', '/usr/lib/os-release'),
  },
  { requiredKeys: ['id', 'idLike', 'source'] },
);

const target: fc.Arbitrary<TargetDescription> = fc.oneof(
  record({ kind: fc.constant('directory' as const), name: anyText, path: anyText }),
  record({
    kind: fc.constantFrom('docker-archive' as const, 'oci-archive' as const, 'oci-dir' as const),
    name: anyText,
    path: anyText,
    manifestDigest: digestText,
    imageId: digestText,
    platform: record({ os: fc.constant('linux'), architecture: fc.constantFrom('amd64', 'arm'), variant: fc.constant('v7') }, { requiredKeys: ['os', 'architecture'] }),
    layers: fc.array(layerRef, { maxLength: 4 }),
    tags: fc.array(anyText, { maxLength: 3 }),
  }),
);

const warning: fc.Arbitrary<Warning> = record(
  { code: fc.stringMatching(/^[A-Z_]{1,20}$/), message: anyText, path: anyText, count: fc.nat(1000) },
  { requiredKeys: ['code', 'message'] },
);

/** An inventory plus the purl parts of each of its packages, in the inventory's package order. */
export const generatedInventory: fc.Arbitrary<{ inventory: Inventory; parts: PurlParts[] }> = fc
  .record(
    {
      target,
      distro,
      packages: fc.array(generatedPackage, { maxLength: 8 }),
      warnings: fc.array(warning, { maxLength: 3 }),
      catalogers: fc.array(record({ name: lowerName, version: fc.nat(9) }), { maxLength: 3 }),
      createdAt: fc
        .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true })
        .map((date) => date.toISOString()),
      tool: record({ name: fc.constant('vigil'), version: fc.constantFrom('0.1.0', '1.2.3-rc.1', '') }),
    },
    { requiredKeys: ['target', 'packages', 'warnings', 'catalogers', 'createdAt', 'tool'] },
  )
  .map(({ packages, ...rest }) => ({
    inventory: { ...rest, packages: packages.map((p) => p.pkg) },
    parts: packages.map((p) => p.parts),
  }));
