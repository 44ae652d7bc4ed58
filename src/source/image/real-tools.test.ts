import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../test/harness/image-builder.js';
import { defaultSourceLimits, type FileTree } from '../file-tree.js';
import { openImageArchive, sniffImageArchive, type ImageArchiveSpec } from './index.js';

const haveTools = hasCommand('umoci') && hasCommand('skopeo');
const base = mkdtempSync(join(tmpdir(), 'vigil-real-tools-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function run(command: string, args: string[]): void {
  execFileSync(command, args, { cwd: base, stdio: 'pipe' });
}

/** Every path in a tree with its kind, and each file's content. */
async function describeTree(tree: FileTree, dir = '/', out: string[] = []): Promise<string[]> {
  for (const entry of (await tree.readDir(dir)) ?? []) {
    const path = dir === '/' ? `/${entry.name}` : `${dir}/${entry.name}`;
    if (entry.kind === 'directory') {
      out.push(`${path}/`);
      await describeTree(tree, path, out);
    } else if (entry.kind === 'file') {
      const file = (await tree.lookup(path))!;
      out.push(`${path} = ${(await tree.readFile(file)).toString()}`);
    } else out.push(`${path} (${entry.kind})`);
  }
  return out;
}

describe.runIf(haveTools)('images written by umoci and skopeo', () => {
  it('read the same as oci-dir, oci-archive and docker-archive', async () => {
    const rootless = process.getuid?.() === 0 ? [] : ['--rootless'];
    run('umoci', ['init', '--layout', 'D']);
    run('umoci', ['new', '--image', 'D:t']);
    // Each repack adds one layer on top of the image the bundle was unpacked from.
    let bundles = 0;
    const addLayer = (change: (rootfs: string) => void) => {
      const bundle = `B${++bundles}`;
      run('umoci', ['unpack', ...rootless, '--image', 'D:t', bundle]);
      change(join(base, bundle, 'rootfs'));
      run('umoci', ['repack', '--image', 'D:t', bundle]);
    };
    addLayer((rootfs) => {
      mkdirSync(join(rootfs, 'usr/lib'), { recursive: true });
      mkdirSync(join(rootfs, 'etc'), { recursive: true });
      mkdirSync(join(rootfs, 'var/lib/dpkg'), { recursive: true });
      writeFileSync(join(rootfs, 'usr/lib/os-release'), 'ID=debian\nVERSION_ID=12\n');
      symlinkSync('../usr/lib/os-release', join(rootfs, 'etc/os-release'));
      writeFileSync(join(rootfs, 'var/lib/dpkg/status'), 'Package: one\n');
      writeFileSync(join(rootfs, 'usr/lib/gone'), 'x');
    });
    addLayer((rootfs) => {
      writeFileSync(join(rootfs, 'var/lib/dpkg/status'), 'Package: one\n\nPackage: two\n');
      writeFileSync(join(rootfs, 'usr/lib/os-release'), 'ID=debian\nVERSION_ID=13\n');
    });
    addLayer((rootfs) => {
      rmSync(join(rootfs, 'usr/lib/gone'));
      mkdirSync(join(rootfs, 'opt/new'), { recursive: true });
      writeFileSync(join(rootfs, 'opt/new/file'), 'new');
    });
    run('skopeo', ['copy', 'oci:D:t', 'docker-archive:X.tar:t:latest']);
    run('skopeo', ['copy', 'oci:D:t', 'oci-archive:O.tar:t']);

    const specs: ImageArchiveSpec[] = [
      { kind: 'oci-dir', path: join(base, 'D') },
      { kind: 'oci-archive', path: join(base, 'O.tar') },
      { kind: 'docker-archive', path: join(base, 'X.tar') },
    ];
    const listings: string[][] = [];
    for (const spec of specs) {
      expect(await sniffImageArchive(spec.path)).toBe(spec.kind);
      const tempDir = mkdtempSync(join(base, 'temp-'));
      const { tree, target, warnings } = await openImageArchive(spec, {
        interest: (path) => path.endsWith('/status'),
        limits: defaultSourceLimits,
        tempDir,
      });
      expect(warnings).toEqual([]);
      expect(target.layers.length).toBeGreaterThanOrEqual(3);
      const status = (await tree.lookup('/var/lib/dpkg/status'))!;
      const history = await tree.versions(status);
      expect(history.map((version) => version.layer?.index)).toEqual([target.layers.length - 3, target.layers.length - 2]);
      expect((await tree.lookup('/etc/os-release'))?.realPath).toBe('/usr/lib/os-release');
      expect(await tree.lookup('/usr/lib/gone')).toBeUndefined();
      listings.push(await describeTree(tree));
      await tree.close();
    }
    expect(listings[0]).toContain('/usr/lib/os-release = ID=debian\nVERSION_ID=13\n');
    expect(listings[0]).toContain('/etc/os-release (symlink)');
    expect(listings[1]).toEqual(listings[0]);
    expect(listings[2]).toEqual(listings[0]);
  }, 60_000);
});
