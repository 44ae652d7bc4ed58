import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryTree } from '../source/directory.js';
import { defaultSourceLimits } from '../source/file-tree.js';
import { buildPurl } from '../model/purl.js';
import { defineCataloger, type CatalogFile } from './cataloger.js';
import { runCatalogers } from './run.js';
import { takeInventory } from './take-inventory.js';

/** A cataloger of test files whose text is "name version" lines. */
function lines(name: string, patterns: string[], development?: boolean, reads: 'installed' | 'declared' = 'declared') {
  return defineCataloger({
    name,
    version: 1,
    reads,
    patterns,
    async parse(file: CatalogFile) {
      return (await file.text())
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [pkg, version] = line.split(' ') as [string, string];
          return { name: pkg, version, type: 'npm' as const, purl: buildPurl({ type: 'npm', name: pkg, version }), ...(development !== undefined ? { development } : {}) };
        });
    },
  });
}

const binary = defineCataloger({
  name: 'magic',
  version: 1,
  reads: 'installed',
  patterns: [],
  sniff: {
    headerBytes: 4,
    candidate: (file) => (file.mode & 0o111) !== 0,
    test: (header) => header.toString('latin1') === 'MAGI',
  },
  async parse(file) {
    const version = (await file.text()).slice(4).trim();
    return [{ name: file.path.split('/').pop()!, version, type: 'golang' as const, purl: buildPurl({ type: 'golang', name: file.path.split('/').pop()!, version }) }];
  },
});

describe('the catalog driver', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-run-test-'));
    const write = (path: string, text: string, mode = 0o644) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
      chmodSync(join(root, path), mode);
    };
    write('etc/os-release', 'ID=debian\nVERSION_ID=12\n');
    write('usr/lib/node/a/deps.lock', 'left 1.0.0\nshared 2.0.0\n');
    write('usr/local/lib/b/deps.lock', 'shared 2.0.0\nright 3.0.0\n');
    write('usr/local/lib/b/dev.lock', 'shared 2.0.0\ntool 9.9.9\n');
    write('opt/app/deps.lock', 'opt-only 1.0.0\n');
    write('srv/deep/deps.lock', 'srv-only 1.0.0\n');
    write('usr/lib/bin/tool', 'MAGI v1.2.3\n', 0o755);
    write('usr/lib/bin/not-exec', 'MAGI v9.9.9\n', 0o644);
    write('usr/lib/bin/other', '#!/bin/sh\n', 0o755);
    symlinkSync('/srv/deep', join(root, 'usr/lib/link-to-srv'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const deps = lines('deps', ['/**/deps.lock'], false);
  const dev = lines('dev', ['/**/dev.lock'], true);
  const installed = lines('installed', ['/**/installed.lock'], undefined, 'installed');

  it('walks once, merges the same package from several files, and keeps non-dev over dev', async () => {
    const tree = await DirectoryTree.open(root, defaultSourceLimits);
    const result = await runCatalogers(tree, [deps, dev, binary]);
    const summary = result.packages.map((p) => `${p.name}@${p.version}${p.development ? ' dev' : ''} ${p.locations.map((l) => l.path).join(',')}`);
    expect(summary).toEqual([
      'tool@v1.2.3 /usr/lib/bin/tool',
      'left@1.0.0 /usr/lib/node/a/deps.lock',
      'opt-only@1.0.0 /opt/app/deps.lock',
      'right@3.0.0 /usr/local/lib/b/deps.lock',
      'shared@2.0.0 /usr/lib/node/a/deps.lock,/usr/local/lib/b/deps.lock,/usr/local/lib/b/dev.lock',
      'srv-only@1.0.0 /srv/deep/deps.lock',
      'tool@9.9.9 dev /usr/local/lib/b/dev.lock',
    ]);
  });

  it('keeps a development mark that an installed copy cannot confirm or deny', async () => {
    const base = mkdtempSync(join(tmpdir(), 'vigil-dev-test-'));
    try {
      mkdirSync(join(base, 'app'));
      writeFileSync(join(base, 'app/dev.lock'), 'mocha 10.2.0\n');
      writeFileSync(join(base, 'app/installed.lock'), 'mocha 10.2.0\n');
      const tree = await DirectoryTree.open(base, defaultSourceLimits);
      const [mocha] = (await runCatalogers(tree, [installed, dev])).packages;
      expect(mocha).toMatchObject({ name: 'mocha', development: true });
      expect(mocha!.locations.map((l) => l.path)).toEqual(['/app/installed.lock', '/app/dev.lock']);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('searches only the given roots, and never follows a link out of them', async () => {
    const tree = await DirectoryTree.open(root, defaultSourceLimits);
    const result = await runCatalogers(tree, [deps], { walkRoots: ['/usr/lib', '/usr/lib/node', '/usr/local/lib'] });
    expect(result.packages.map((p) => p.name).sort()).toEqual(['left', 'right', 'shared']);
  });

  it('stops at the package limit and says so', async () => {
    const tree = await DirectoryTree.open(root, defaultSourceLimits);
    const result = await runCatalogers(tree, [deps], { maxPackages: 2 });
    expect(result.packages).toHaveLength(2);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'PACKAGE_LIMIT', count: 2 })]);
  });

  it('stops at the time limit and says so', async () => {
    const tree = await DirectoryTree.open(root, defaultSourceLimits);
    const result = await runCatalogers(tree, [deps], { deadline: Date.now() - 1 });
    expect(result.packages).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'TIME_LIMIT' })]);
  });

  it('gives no limit warning when everything fit', async () => {
    const tree = await DirectoryTree.open(root, defaultSourceLimits);
    const result = await runCatalogers(tree, [deps], { maxPackages: 100, deadline: Date.now() + 60_000 });
    expect(result.warnings).toEqual([]);
  });

  it('searches a root filesystem under the deep inspection paths, plus --path, or everywhere with --all-paths', async () => {
    const names = async (options: Parameters<typeof takeInventory>[1]) =>
      (await takeInventory(root, { catalogers: [deps], ...options })).packages.map((p) => p.name).sort();
    expect(await names({})).toEqual(['left', 'right', 'shared']);
    expect(await names({ paths: ['/opt'] })).toEqual(['left', 'opt-only', 'right', 'shared']);
    expect(await names({ allPaths: true })).toEqual(['left', 'opt-only', 'right', 'shared', 'srv-only']);
  });
});
