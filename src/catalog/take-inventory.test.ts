/**
 * Which catalogers an inventory runs by default: every one over a source tree or a function
 * package, those reading installed packages over a built product (an image, a root filesystem),
 * where a lockfile is its sources' or a vendored library's and names packages not installed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ociLayoutFiles, writeFolder } from '../../test/harness/image-builder.js';
import { catalogers, selectCatalogers } from './index.js';
import { takeInventory } from './take-inventory.js';

/** A Node.js application as installed: node_modules, and the lockfile it was installed from (which also names a dev tool not installed). */
const application: Record<string, string> = {
  'app/package-lock.json': JSON.stringify({
    name: 'app',
    version: '1.0.0',
    lockfileVersion: 3,
    packages: {
      '': { name: 'app', version: '1.0.0', dependencies: { 'left-pad': '1.3.0' }, devDependencies: { mocha: '10.2.0' } },
      'node_modules/left-pad': { version: '1.3.0' },
      'node_modules/mocha': { version: '10.2.0', dev: true },
    },
  }),
  'app/node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.3.0' }),
  // A vendored library's own lockfile, shipped inside the installed package.
  'app/node_modules/left-pad/vendor/yarn.lock': '# yarn lockfile v1\n\n\nlodash@^4.17.0:\n  version "4.17.20"\n  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.20.tgz"\n',
};

const names = (inventory: Awaited<ReturnType<typeof takeInventory>>) => inventory.packages.map((p) => `${p.name}@${p.version}`).sort();

describe('the catalogers an inventory runs', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vigil-take-inventory-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    };
    write('rootfs/etc/os-release', 'ID=debian\nVERSION_ID=12\n');
    for (const [path, text] of Object.entries(application)) {
      write(`rootfs/usr/lib/${path}`, text);
      write(`project/${path}`, text);
    }
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads lockfiles and manifests in a source tree', async () => {
    const inventory = await takeInventory(join(work, 'project'));
    expect(names(inventory)).toEqual(['left-pad@1.3.0', 'lodash@4.17.20', 'mocha@10.2.0']);
    expect(inventory.catalogers.map((c) => c.name)).toEqual(catalogers.map((c) => c.name));
  });

  it('reads only installed packages in a root filesystem and in an image, unless the catalogers are named', async () => {
    const rootfs = await takeInventory(join(work, 'rootfs'));
    expect(names(rootfs)).toEqual(['left-pad@1.3.0']);
    expect(rootfs.catalogers.map((c) => c.name)).toEqual(catalogers.filter((c) => c.reads === 'installed').map((c) => c.name));
    expect(rootfs.catalogers.map((c) => c.name)).toEqual(expect.arrayContaining(['dpkg', 'npm-installed', 'python-installed', 'java-archive', 'go-binary']));
    expect(rootfs.catalogers.map((c) => c.name)).not.toContain('npm-lockfile');

    const layer = Object.fromEntries([['etc/os-release', 'ID=debian\nVERSION_ID=12\n'], ...Object.entries(application).map(([path, text]) => [`srv/${path}`, text])]);
    const layout = writeFolder(join(work, 'layout'), (await ociLayoutFiles({ layers: [layer] })).files);
    expect(names(await takeInventory(`oci-dir:${layout}`))).toEqual(['left-pad@1.3.0']);

    const named = await takeInventory(join(work, 'rootfs'), { catalogers: selectCatalogers('all') });
    expect(names(named)).toEqual(['left-pad@1.3.0', 'lodash@4.17.20', 'mocha@10.2.0']);
    expect(names(await takeInventory(`oci-dir:${layout}`, { catalogers: selectCatalogers('npm-lockfile') }))).toEqual(['left-pad@1.3.0', 'mocha@10.2.0']);
  });
});
