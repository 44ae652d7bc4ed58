import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryTree } from './directory.js';
import { defaultSourceLimits, type WalkEntry } from './file-tree.js';
import { PrelistedDirectories } from './prelisted-directories.js';

describe('PrelistedDirectories', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-prelist-'));
    outside = mkdtempSync(join(tmpdir(), 'vigil-prelist-outside-'));
    writeFileSync(join(outside, 'secret.jar'), 'x');
    for (const dir of ['usr/lib/a/b', 'usr/lib/c', 'opt/d']) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'usr/lib/a/b/one.jar'), 'x');
    writeFileSync(join(root, 'usr/lib/c/two.txt'), 'x');
    writeFileSync(join(root, 'opt/d/three'), 'x');
    symlinkSync(outside, join(root, 'usr/lib/out'));
    symlinkSync(join(root, 'usr/lib'), join(root, 'lib-link'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const names = (entries: ReturnType<PrelistedDirectories['take']>) => entries?.map((entry) => entry.name).sort();

  it('lists every real folder below the roots, each handed over once, as readdir gives it', () => {
    const prelisted = new PrelistedDirectories();
    prelisted.fill([join(root, 'usr/lib')], () => false);
    for (const dir of ['usr/lib', 'usr/lib/a', 'usr/lib/a/b', 'usr/lib/c']) {
      expect(names(prelisted.take(join(root, dir)))).toEqual(readdirSync(join(root, dir)).sort());
      expect(prelisted.take(join(root, dir))).toBeUndefined();
    }
    // Neither the link leading out of the target, nor any folder outside the roots.
    expect(prelisted.take(join(root, 'usr/lib/out'))).toBeUndefined();
    expect(prelisted.take(outside)).toBeUndefined();
    expect(prelisted.take(join(root, 'opt/d'))).toBeUndefined();
  });

  it('lists nothing through a root reached by a link', () => {
    const prelisted = new PrelistedDirectories();
    prelisted.fill([join(root, 'lib-link'), join(root, 'usr/lib/out'), join(root, 'missing')], () => false);
    expect(prelisted.take(join(root, 'lib-link'))).toBeUndefined();
    expect(prelisted.take(join(root, 'usr/lib/out'))).toBeUndefined();
    expect(prelisted.take(outside)).toBeUndefined();
  });

  it('stops when told to, and at its cap on entries', () => {
    const many = mkdtempSync(join(tmpdir(), 'vigil-prelist-many-'));
    try {
      for (let i = 0; i < 40; i++) mkdirSync(join(many, `d${i}`));
      let asked = 0;
      const stopped = new PrelistedDirectories();
      stopped.fill([many], () => ++asked === 2);
      const listed = Array.from({ length: 40 }, (_, i) => stopped.take(join(many, `d${i}`))).filter(Boolean).length;
      expect(asked).toBe(2);
      expect(listed).toBeGreaterThan(0);
      expect(listed).toBeLessThan(40);
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
    const capped = new PrelistedDirectories(3);
    capped.fill([join(root, 'usr/lib')], () => false);
    expect(names(capped.take(join(root, 'usr/lib')))).toEqual(['a', 'c', 'out']);
    expect(capped.take(join(root, 'usr/lib/c'))).toBeUndefined(); // its one entry would make four
  });

  it('gives a directory walk exactly what the walk alone finds', async () => {
    const walk = async (prelisted?: PrelistedDirectories) => {
      const tree = await DirectoryTree.open(root, defaultSourceLimits, prelisted);
      const seen: Array<[string, string]> = [];
      await tree.walk('/', (entry: WalkEntry) => void seen.push([entry.path, entry.kind]));
      await tree.close();
      return seen;
    };
    const prelisted = new PrelistedDirectories();
    prelisted.fill([root], () => false);
    expect(await walk(prelisted)).toEqual(await walk());
  });
});
