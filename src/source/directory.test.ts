import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryTree } from './directory.js';
import { defaultSourceLimits, FileTooLargeError } from './file-tree.js';

describe('directory tree', () => {
  let base: string;
  let root: string;
  let tree: DirectoryTree;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'vigil-dir-test-'));
    root = join(base, 'root');
    mkdirSync(join(root, 'etc'), { recursive: true });
    mkdirSync(join(root, 'usr/lib/sysimage/rpm'), { recursive: true });
    mkdirSync(join(root, 'var/lib'), { recursive: true });
    writeFileSync(join(base, 'secret'), 'outside the target');
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
    writeFileSync(join(root, 'usr/lib/sysimage/rpm/rpmdb.sqlite'), 'db');
    writeFileSync(join(root, 'big'), Buffer.alloc(2048));
    // Links that try to leave the root must land inside it.
    symlinkSync('/etc/passwd', join(root, 'etc/absolute'));
    symlinkSync('../../../../../../etc/passwd', join(root, 'etc/climbing'));
    symlinkSync('../../secret', join(root, 'etc/escape'));
    symlinkSync('../../usr/lib/sysimage/rpm', join(root, 'var/lib/rpm'));
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    symlinkSync(join(base, 'secret'), join(root, 'host-absolute'));
    tree = await DirectoryTree.open(root, { ...defaultSourceLimits, maxFileBytes: 1024 });
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('reads a plain file', async () => {
    const file = await tree.lookup('/etc/passwd');
    expect(file).toEqual({ path: '/etc/passwd', realPath: '/etc/passwd', size: 26 });
    expect((await tree.readFile(file!)).toString()).toContain('root:x');
  });

  it('resolves absolute links against the target root', async () => {
    const file = await tree.lookup('/etc/absolute');
    expect(file?.realPath).toBe('/etc/passwd');
  });

  it('stops ".." at the target root', async () => {
    expect((await tree.lookup('/etc/climbing'))?.realPath).toBe('/etc/passwd');
    expect(await tree.lookup('/etc/escape')).toBeUndefined();
    expect(await tree.lookup('/../../secret')).toBeUndefined();
  });

  it('never follows an absolute host path out of the root', async () => {
    expect(await tree.lookup('/host-absolute')).toBeUndefined();
  });

  it('follows directory links inside the root', async () => {
    const file = await tree.lookup('/var/lib/rpm/rpmdb.sqlite');
    expect(file?.realPath).toBe('/usr/lib/sysimage/rpm/rpmdb.sqlite');
    expect(await tree.localPath(file!)).toBe(join(root, 'usr/lib/sysimage/rpm/rpmdb.sqlite'));
    expect((await tree.readDir('/var/lib/rpm'))?.map((e) => e.name)).toEqual(['rpmdb.sqlite']);
  });

  it('gives up on link loops', async () => {
    expect(await tree.lookup('/loop-a')).toBeUndefined();
  });

  it('does not treat directories or missing paths as files', async () => {
    expect(await tree.lookup('/etc')).toBeUndefined();
    expect(await tree.lookup('/nope')).toBeUndefined();
    expect(await tree.lookup('/etc/passwd/x')).toBeUndefined();
    expect(await tree.readDir('/etc/passwd')).toBeUndefined();
  });

  it('refuses files over the size limit', async () => {
    const file = await tree.lookup('/big');
    await expect(tree.readFile(file!)).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it('reports a missing target plainly', async () => {
    await expect(DirectoryTree.open(join(base, 'missing'), defaultSourceLimits)).rejects.toMatchObject({
      code: 'TARGET_NOT_FOUND',
    });
    await expect(DirectoryTree.open(join(base, 'secret'), defaultSourceLimits)).rejects.toMatchObject({
      code: 'TARGET_UNRECOGNISED',
    });
  });
});

describe('directory walk', () => {
  it('visits every entry once, reports links as links, and honours skip', async () => {
    const base = mkdtempSync(join(tmpdir(), 'vigil-walk-test-'));
    try {
      mkdirSync(join(base, 'a/b'), { recursive: true });
      mkdirSync(join(base, 'skipme'), { recursive: true });
      writeFileSync(join(base, 'a/b/f'), 'xyz');
      writeFileSync(join(base, 'skipme/hidden'), '');
      symlinkSync('/a', join(base, 'a/b/loop'));
      const tree = await DirectoryTree.open(base, defaultSourceLimits);
      const seen: string[] = [];
      await tree.walk('/', (entry) => {
        seen.push(`${entry.kind} ${entry.path}${entry.kind === 'file' ? ` ${entry.size}` : ''}`);
        return entry.path === '/skipme' ? 'skip' : undefined;
      });
      expect(seen.sort()).toEqual(['directory /a', 'directory /a/b', 'directory /skipme', 'file /a/b/f 3', 'symlink /a/b/loop']);
      const below: string[] = [];
      await tree.walk('/a/b/loop/b', (entry) => void below.push(entry.path));
      expect(below.sort()).toEqual(['/a/b/f', '/a/b/loop']);
      expect((await tree.readHead((await tree.lookup('/a/b/f'))!, 2)).toString()).toBe('xy');
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('directory walk across mounts', () => {
  it('leaves other mounted file systems out unless asked', async () => {
    const base = mkdtempSync(join(tmpdir(), 'vigil-mount-test-'));
    mkdirSync(join(base, 'mnt'));
    const { spawnSync } = await import('node:child_process');
    const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', 'none', join(base, 'mnt')]).status === 0;
    try {
      if (!mounted) {
        console.warn('mount test skipped: needs root and permission to mount a tmpfs');
        return;
      }
      writeFileSync(join(base, 'mnt/inside'), 'x');
      writeFileSync(join(base, 'outside'), 'y');
      const tree = await DirectoryTree.open(base, defaultSourceLimits);
      const files = async (crossMounts: boolean) => {
        const seen: string[] = [];
        await tree.walk('/', (e) => void (e.kind === 'file' && seen.push(e.path)), { crossMounts });
        return seen.sort();
      };
      expect(await files(false)).toEqual(['/outside']);
      expect(await files(true)).toEqual(['/mnt/inside', '/outside']);
    } finally {
      if (mounted) spawnSync('umount', [join(base, 'mnt')]);
      rmSync(base, { recursive: true, force: true });
    }
  });
});
