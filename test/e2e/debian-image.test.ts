/**
 * End to end on real inputs: a Debian root filesystem made by mmdebstrap, packed into real OCI
 * images by umoci and copied into every archive form by skopeo. What `vigil sbom` lists must be
 * exactly what dpkg-query lists for the same tree.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeInventory } from '../../src/catalog/take-inventory.js';
import type { Inventory } from '../../src/model/inventory.js';
import { cacheDir, hasTool, isRoot, run } from '../harness/tools.js';

const canRun = isRoot && ['mmdebstrap', 'umoci', 'skopeo', 'dpkg-query', 'dpkg-deb'].every(hasTool);
if (!canRun) console.warn('debian-image e2e skipped: needs root, mmdebstrap, umoci, skopeo and dpkg (see .ci/run)');

/** A minimal Debian 12 root filesystem, built once and cached under .cache/ (git-ignored). */
function debianRootfs(): string {
  const dir = join(cacheDir('e2e'), 'bookworm-minbase');
  if (existsSync(join(dir, 'var/lib/dpkg/status'))) return dir;
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  run('mmdebstrap', ['--quiet', '--variant=minbase', '--mode=root', '--include=libssl3', 'bookworm', building]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return dir;
}

interface DpkgRow {
  name: string;
  arch: string;
  version: string;
  sourceName: string;
  sourceVersion: string;
}

/** The oracle: dpkg's own view of the tree's database, installed packages only. */
function dpkgQuery(root: string): string[] {
  const out = run('dpkg-query', [
    '-W',
    `--admindir=${root}/var/lib/dpkg`,
    '-f',
    '${db:Status-Status}\\t${Package}\\t${Architecture}\\t${Version}\\t${source:Package}\\t${source:Version}\\n',
  ]);
  return out
    .split('\n')
    .filter((line) => line.startsWith('installed\t'))
    .map((line) => {
      const [, name, arch, version, sourceName, sourceVersion] = line.split('\t') as [string, ...string[]];
      return rowLine({ name: name!, arch: arch!, version: version!, sourceName: sourceName!, sourceVersion: sourceVersion! });
    })
    .sort();
}

function rowLine(row: DpkgRow): string {
  return `${row.name}:${row.arch} ${row.version} ${row.sourceName} ${row.sourceVersion}`;
}

function inventoryLines(inventory: Inventory): string[] {
  return inventory.packages
    .filter((p) => p.type === 'deb')
    .map((p) => rowLine({ name: p.name, arch: p.arch ?? '', version: p.version, sourceName: p.source!.name, sourceVersion: p.source!.version! }))
    .sort();
}

/** A tiny real .deb, so the second layer installs a package as well as removing one. */
function buildDeb(work: string): string {
  const pkg = join(work, 'vigil-e2e');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(join(pkg, 'usr/share/vigil-e2e'), { recursive: true });
  writeFileSync(join(pkg, 'usr/share/vigil-e2e/README'), 'installed by the second layer\n');
  writeFileSync(
    join(pkg, 'DEBIAN/control'),
    'Package: vigil-e2e\nVersion: 1:2.0-1\nArchitecture: all\nMaintainer: Vigil <dev@vigil.invalid>\nSource: vigil-e2e-src (2.0-0.1)\nDescription: end-to-end test package\n',
  );
  run('dpkg-deb', ['--root-owner-group', '--build', pkg, join(work, 'vigil-e2e.deb')]);
  return join(work, 'vigil-e2e.deb');
}

describe.skipIf(!canRun)('vigil sbom on a real Debian root filesystem and its images', () => {
  let work: string;
  let rootfs: string;
  let upperRootfs: string;
  let layout: string;

  beforeAll(() => {
    rootfs = debianRootfs();
    work = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
    layout = join(work, 'layout');
    // Layer 0: the whole root filesystem.
    run('umoci', ['init', '--layout', layout]);
    run('umoci', ['new', '--image', `${layout}:base`]);
    const bundle = join(work, 'bundle');
    run('umoci', ['unpack', '--image', `${layout}:base`, bundle]);
    run('cp', ['-a', `${rootfs}/.`, join(bundle, 'rootfs')]);
    run('umoci', ['repack', '--image', `${layout}:base`, bundle]);
    // Layer 1: purge one package (its files become whiteouts) and install another.
    const upper = join(work, 'upper');
    run('umoci', ['unpack', '--image', `${layout}:base`, upper]);
    upperRootfs = join(upper, 'rootfs');
    run('dpkg', [`--root=${upperRootfs}`, '--force-depends', '--force-remove-essential', '--force-script-chrootless', '--purge', 'bsdutils']);
    run('dpkg', [`--root=${upperRootfs}`, '--force-script-chrootless', '--install', buildDeb(work)]);
    run('umoci', ['repack', '--image', `${layout}:v2`, upper]);
    run('skopeo', ['copy', '--quiet', `oci:${layout}:v2`, `oci:${join(work, 'v2-layout')}:v2`]);
    run('skopeo', ['copy', '--quiet', `oci:${layout}:v2`, `oci-archive:${join(work, 'v2-oci.tar')}:v2`]);
    run('skopeo', ['copy', '--quiet', `oci:${layout}:v2`, `docker-archive:${join(work, 'v2-docker.tar')}:vigil/e2e:v2`]);
    run('skopeo', ['copy', '--quiet', `oci:${layout}:base`, `oci-archive:${join(work, 'base-oci.tar')}:base`]);
  }, 900_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lists exactly what dpkg-query lists for the root filesystem folder', async () => {
    const inventory = await takeInventory(rootfs);
    const expected = dpkgQuery(rootfs);
    expect(expected.length).toBeGreaterThan(50);
    expect(inventoryLines(inventory)).toEqual(expected);
    expect(inventory.distro).toMatchObject({ id: 'debian', versionId: '12', codename: 'bookworm' });
    expect(inventory.warnings).toEqual([]);
    const ssl = inventory.packages.find((p) => p.name === 'libssl3')!;
    expect(ssl.purl).toMatch(/^pkg:deb\/debian\/libssl3@3\.0\.[^?]+\?arch=amd64&distro=debian-12&upstream=openssl/);
  });

  it.each([
    ['oci-dir', () => `oci-dir:${join(work, 'v2-layout')}`],
    ['oci-archive', () => `oci-archive:${join(work, 'v2-oci.tar')}`],
    ['docker-archive', () => `docker-archive:${join(work, 'v2-docker.tar')}`],
    ['a plain docker-archive path', () => join(work, 'v2-docker.tar')],
    ['a plain oci-archive path', () => join(work, 'v2-oci.tar')],
  ])('lists exactly what dpkg-query lists for the two-layer image as %s', async (_form, target) => {
    const inventory = await takeInventory(target());
    expect(inventoryLines(inventory)).toEqual(dpkgQuery(upperRootfs));
    expect(inventory.packages.some((p) => p.name === 'bsdutils')).toBe(false);
    expect(inventory.distro).toMatchObject({ id: 'debian', versionId: '12' });
    if (inventory.target.kind === 'directory' || inventory.target.kind === 'file') throw new Error('expected an image target');
    const [base, top] = inventory.target.layers;
    expect(inventory.target.layers).toHaveLength(2);
    const added = inventory.packages.find((p) => p.name === 'vigil-e2e')!;
    expect(added.version).toBe('1:2.0-1');
    expect(added.source).toEqual({ name: 'vigil-e2e-src', version: '2.0-0.1' });
    expect(added.layer?.diffId).toBe(top!.diffId);
    // Every other package came with the base layer, even though layer 1 rewrote the status file.
    for (const p of inventory.packages.filter((p) => p.name !== 'vigil-e2e')) expect(p.layer?.diffId).toBe(base!.diffId);
    for (const p of inventory.packages) expect(p.locations[0]!.layer?.diffId).toBe(top!.diffId);
  });

  it('still lists the removed package in the base image', async () => {
    const inventory = await takeInventory(`oci-archive:${join(work, 'base-oci.tar')}`);
    expect(inventoryLines(inventory)).toEqual(dpkgQuery(rootfs));
    expect(inventory.packages.some((p) => p.name === 'bsdutils')).toBe(true);
  });
});
