/**
 * The walk on a worker thread, with files parsed while it goes on, gives exactly the inventory of
 * a walk on the main thread. The worker is a module of the built package, so this runs the
 * built driver (dist/, which `npm test` builds first) over a tree of every cataloger's fixtures
 * plus jars and executables.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElf } from '../../test/fixtures/catalog/binary/make-executable.js';
import { inlineBuildInfo } from '../../test/fixtures/catalog/go-binary/make-buildinfo.js';
import { fixturesRoot } from '../../test/harness/catalog.js';
import { buildJar } from '../../test/harness/zip-builder.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const built = existsSync(join(dist, 'catalog/walk-worker.js'));

describe.skipIf(!built)('the catalog driver walking on a worker thread (built)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-walk-worker-'));
    const write = (path: string, data: string | Buffer, mode = 0o644) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), data);
      chmodSync(join(root, path), mode);
    };
    write('etc/os-release', 'ID=debian\nVERSION_ID=12\n');
    cpSync(fixturesRoot, join(root, 'usr/lib/fixtures'), { recursive: true });
    for (let i = 0; i < 40; i++) {
      write(`usr/lib/java/lib-${i}.jar`, buildJar({ poms: [{ groupId: 'org.example', artifactId: `lib-${i}`, version: `1.${i}.0` }] }));
    }
    write('usr/lib/java/plain.jar', buildJar({ manifest: { 'Implementation-Title': 'plain', 'Implementation-Version': '2.0' } }));
    write('usr/lib/java/broken.jar', 'not a zip');
    const modInfo = 'path\texample.com/tool\nmod\texample.com/tool\tv1.4.0\th1:x=\ndep\tgolang.org/x/net\tv0.17.0\th1:y=\n';
    const goBinary = buildElf({ bits: 64, littleEndian: true }, [{ name: '.go.buildinfo', data: inlineBuildInfo('go1.21.5', modInfo), address: 0x500000, writable: true }]);
    write('usr/lib/tools/tool', goBinary, 0o755);
    write('usr/lib/tools/not-executable', goBinary, 0o644);
    const audit = deflateSync(JSON.stringify({ packages: [{ name: 'app', version: '0.1.0', source: 'local', root: true }, { name: 'serde', version: '1.0.195', source: 'crates.io' }] }));
    write('usr/lib/tools/rusty', buildElf({ bits: 64, littleEndian: true }, [{ name: '.dep-v0', data: audit, address: 0x402000 }]), 0o755);
    write('usr/lib/tools/script', '#!/bin/sh\n', 0o755);
    write('opt/elsewhere/lib-x.jar', buildJar({ poms: [{ groupId: 'org.example', artifactId: 'x', version: '1.0' }] }));
    symlinkSync('/usr/lib/java', join(root, 'usr/lib/java-link'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([[['/usr/lib', '/usr/local/lib']], [['/']], [['/usr/lib', '/usr/lib/java-link', '/opt']]])('finds the same packages and warnings under %j', async (walkRoots) => {
    const { runCatalogers } = await import(join(dist, 'catalog/run.js'));
    const { catalogers } = await import(join(dist, 'catalog/index.js'));
    const { DirectoryTree } = await import(join(dist, 'source/directory.js'));
    const { defaultSourceLimits } = await import(join(dist, 'source/file-tree.js'));
    const { detectDistro } = await import(join(dist, 'catalog/os-release/index.js'));
    const inventory = async (walkOnWorker: boolean) => {
      const tree = await DirectoryTree.open(root, defaultSourceLimits);
      const distro = await detectDistro(tree);
      const pathsRead: string[] = [];
      const result = await runCatalogers(tree, catalogers, { distro, walkRoots, walkOnWorker, onFile: (_: string, path: string) => pathsRead.push(path) });
      await tree.close();
      return { ...result, pathsRead };
    };
    const here = await inventory(false);
    const off = await inventory(true);
    expect(here.packages.length).toBeGreaterThan(40);
    expect(here.packages.some((p: { name: string }) => p.name === 'golang.org/x/net')).toBe(true);
    expect(here.packages.some((p: { name: string }) => p.name === 'serde')).toBe(true);
    expect(JSON.stringify(off)).toBe(JSON.stringify(here));
    // A worker started early, listing folders until its plan comes: the roots walked, or a wrong guess.
    const { warmWalkWorker } = await import(join(dist, 'catalog/walk-worker-start.js'));
    for (const roots of [walkRoots, ['/opt', '/usr/lib/tools'], ['/usr/lib/java-link', '/missing']]) {
      warmWalkWorker({ target: root, roots });
      // Long enough for the listing to be done before the plan, as on a real host it mostly is not.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(JSON.stringify(await inventory(true))).toBe(JSON.stringify(here));
    }
    warmWalkWorker({ target: root, roots: walkRoots });
    expect(JSON.stringify(await inventory(true))).toBe(JSON.stringify(here));
  });
});
