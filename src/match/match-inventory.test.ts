import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestDb, fixtureAdvisories } from '../../test/harness/vulndb.js';
import type { Distro } from '../model/distro.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { buildPurl } from '../model/purl.js';
import { matchInventory } from './match-inventory.js';

function inventory(packages: Package[], distro?: Partial<Distro>): Inventory {
  return {
    target: { kind: 'directory', name: 'test', path: '/test' },
    ...(distro ? { distro: { idLike: [], source: '/etc/os-release', id: 'x', ...distro } } : {}),
    packages,
    warnings: [],
    catalogers: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    tool: { name: 'vigil', version: 'test' },
  };
}

function deb(name: string, version: string, source?: { name: string; version?: string }): Package {
  return { name, version, type: 'deb', purl: buildPurl({ type: 'deb', namespace: 'debian', name, version }), source: source ?? { name, version }, locations: [{ path: '/var/lib/dpkg/status' }], foundBy: 'dpkg' };
}

function lang(type: Package['type'], ecosystem: string, name: string, version: string): Package {
  return { name, version, type, ecosystem, purl: `pkg:${type}/${name}@${version}`, locations: [{ path: '/app/lock' }], foundBy: 'test' };
}

const ids = (result: ReturnType<typeof matchInventory>) => result.matches.map((m) => `${m.advisory.id} ${m.package.name}@${m.package.version}${m.fixed ? ` fixed ${m.fixed}` : ''}`).sort();

describe('matching an inventory', () => {
  let db: ReturnType<typeof buildTestDb>;
  beforeAll(() => {
    db = buildTestDb(fixtureAdvisories());
  });
  afterAll(() => db.dispose());

  it('matches Debian binary packages through their source package, in their own release only', () => {
    const result = matchInventory(
      inventory([deb('libssl3', '3.0.11-1~deb12u1', { name: 'openssl', version: '3.0.11-1~deb12u1' }), deb('openssl', '3.0.11-1~deb12u1')], {
        id: 'debian',
        versionId: '12',
      }),
      db.reader,
    );
    // Not DSA-5417-1 (Debian 11), not the advisory filed under the binary name.
    expect(ids(result)).toEqual(['DSA-5532-1 libssl3@3.0.11-1~deb12u1 fixed 3.0.11-1~deb12u2', 'DSA-5532-1 openssl@3.0.11-1~deb12u1 fixed 3.0.11-1~deb12u2']);
    expect(result.matches[0]!.evidence).toContain('fixed 3.0.11-1~deb12u2');
  });

  it('does not match a Debian package that carries the backported fix', () => {
    const result = matchInventory(inventory([deb('libssl3', '3.0.11-1~deb12u2', { name: 'openssl', version: '3.0.11-1~deb12u2' })], { id: 'debian', versionId: '12' }), db.reader);
    expect(result.matches).toEqual([]);
  });

  it('compares the source version of a binNMU rebuild', () => {
    const result = matchInventory(inventory([deb('libssl3', '3.0.11-1~deb12u2+b1', { name: 'openssl', version: '3.0.11-1~deb12u2' })], { id: 'debian', versionId: '12' }), db.reader);
    expect(result.matches).toEqual([]);
  });

  it('matches Ubuntu LTS, Alpine and Rocky Linux releases', () => {
    const ubuntu = matchInventory(inventory([deb('libssl3', '3.0.2-0ubuntu1.6', { name: 'openssl', version: '3.0.2-0ubuntu1.6' })], { id: 'ubuntu', versionId: '22.04' }), db.reader);
    expect(ids(ubuntu)).toEqual(['USN-5710-1 libssl3@3.0.2-0ubuntu1.6 fixed 3.0.2-0ubuntu1.7']);
    const apk: Package = { name: 'libcrypto3', version: '3.1.3-r0', type: 'apk', purl: 'pkg:apk/alpine/libcrypto3@3.1.3-r0', source: { name: 'openssl', version: '3.1.3-r0' }, locations: [], foundBy: 'apk' };
    expect(ids(matchInventory(inventory([apk], { id: 'alpine', versionId: '3.18.4' }), db.reader))).toEqual(['ALPINE-CVE-2023-5363 libcrypto3@3.1.3-r0 fixed 3.1.4-r0']);
    expect(matchInventory(inventory([apk], { id: 'alpine', versionId: '3.19.0' }), db.reader).matches).toEqual([]);
    const rpm: Package = { name: 'openssl-libs', version: '1:3.0.1-46.el9_0', type: 'rpm', purl: 'pkg:rpm/rocky/openssl-libs@3.0.1-46.el9_0?epoch=1', source: { name: 'openssl', version: '1:3.0.1-46.el9_0' }, locations: [], foundBy: 'rpm' };
    expect(ids(matchInventory(inventory([rpm], { id: 'rocky', versionId: '9.1' }), db.reader))).toEqual(['RLSA-2023:0946 openssl-libs@1:3.0.1-46.el9_0 fixed 1:3.0.1-47.el9_1']);
  });

  it('matches language packages in their own ecosystem with its name rules', () => {
    const result = matchInventory(
      inventory([
        lang('npm', 'npm', 'lodash', '4.17.20'),
        lang('npm', 'npm', 'lodash', '4.17.21'),
        lang('pypi', 'PyPI', 'jinja2', '3.1.2'),
        lang('golang', 'Go', 'golang.org/x/net', 'v0.15.0'),
        lang('golang', 'Go', 'stdlib', 'v1.21.1'),
        lang('golang', 'Go', 'stdlib', 'v1.20.10'),
        lang('maven', 'Maven', 'org.apache.logging.log4j:log4j-core', '2.14.1'),
        lang('maven', 'Maven', 'org.apache.logging.log4j:log4j-core', '2.12.2'),
      ]),
      db.reader,
    );
    expect(ids(result)).toEqual([
      'CVE-2021-23337 lodash@4.17.20 fixed 4.17.21',
      'GHSA-35jh-r3h4-6jhm lodash@4.17.20 fixed 4.17.21',
      'GHSA-h5c8-rqwp-cp95 jinja2@3.1.2 fixed 3.1.3',
      'GHSA-jfh8-c2jp-5v3q org.apache.logging.log4j:log4j-core@2.14.1 fixed 2.15.0',
      'GO-2023-2102 golang.org/x/net@v0.15.0 fixed 0.17.0',
      'GO-2023-2102 stdlib@v1.21.1 fixed 1.21.3',
    ]);
  });

  it('never matches an npm package against an OS advisory of the same name, nor a withdrawn advisory', () => {
    const result = matchInventory(inventory([lang('npm', 'npm', 'openssl', '1.0.0'), lang('npm', 'npm', 'lodash', '4.17.21')], { id: 'debian', versionId: '12' }), db.reader);
    expect(result.matches).toEqual([]);
  });

  it('reports an unparseable version instead of matching or dropping it silently', () => {
    const result = matchInventory(inventory([lang('npm', 'npm', 'lodash', 'not-a-version')]), db.reader);
    expect(result.matches).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'VERSION_UNPARSEABLE' })]);
    expect(result.warnings[0]!.message).toContain('lodash');
  });

  it('says when OS packages cannot be matched', () => {
    const noRelease = matchInventory(inventory([deb('bash', '5.2-1')], { id: 'debian' }), db.reader);
    expect(noRelease.warnings).toEqual([expect.objectContaining({ code: 'DISTRO_RELEASE_UNKNOWN' })]);
    const unknown = matchInventory(inventory([deb('bash', '5.2-1'), deb('zsh', '5.9-1')], { id: 'pureos', versionId: '10' }), db.reader);
    expect(unknown.warnings).toEqual([expect.objectContaining({ code: 'DISTRO_UNSUPPORTED' })]);
  });
});
