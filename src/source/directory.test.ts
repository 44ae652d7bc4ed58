import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

  describe('readRange', () => {
    it('reads the bytes in a range, clipped at the end of the file and empty past it', async () => {
      const file = (await tree.lookup('/etc/passwd'))!;
      expect((await tree.readRange(file, 5, 4)).toString()).toBe('x:0:');
      expect((await tree.readRange(file, 20, 100)).toString()).toBe('in/sh\n');
      expect((await tree.readRange(file, 26, 10)).length).toBe(0);
      expect((await tree.readRange(file, 1000, 10)).length).toBe(0);
      expect((await tree.readRange(file, 0, 0)).length).toBe(0);
    });

    it('refuses offsets and lengths that are not whole numbers from 0 up', async () => {
      const file = (await tree.lookup('/etc/passwd'))!;
      for (const [offset, length] of [
        [-1, 4],
        [0, -4],
        [0.5, 4],
        [0, Number.NaN],
        [2 ** 53, 1],
      ]) {
        await expect(tree.readRange(file, offset!, length!)).rejects.toBeInstanceOf(RangeError);
      }
    });

    it('holds to the file limit, as readFile does; readHead recognises any file', async () => {
      const big = (await tree.lookup('/big'))!;
      await expect(tree.readRange(big, 0, 16)).rejects.toBeInstanceOf(FileTooLargeError);
      expect((await tree.readHead(big, 16)).length).toBe(16);
    });

    it('reads into a buffer it is given when that is large enough', async () => {
      const file = (await tree.lookup('/etc/passwd'))!;
      const into = Buffer.alloc(64);
      const read = await tree.readRange(file, 0, 4, into);
      expect(read.toString()).toBe('root');
      expect(read.buffer).toBe(into.buffer);
      expect((await tree.readRange(file, 0, 4, Buffer.alloc(2))).toString()).toBe('root');
    });

    it('reads what links lead to inside the root, never outside it', async () => {
      const climbing = (await tree.lookup('/etc/climbing'))!;
      expect((await tree.readRange(climbing, 0, 4)).toString()).toBe('root');
      // A file swapped for a link to outside the root after it was looked up is not followed.
      writeFileSync(join(root, 'swapped'), 'inside');
      const swapped = (await tree.lookup('/swapped'))!;
      rmSync(join(root, 'swapped'));
      symlinkSync(join(base, 'secret'), join(root, 'swapped'));
      await expect(tree.readRange(swapped, 0, 6)).rejects.toMatchObject({ code: 'ELOOP' });
      await expect(tree.readHead(swapped, 6)).rejects.toMatchObject({ code: 'ELOOP' });
      await expect(tree.readFile(swapped)).rejects.toMatchObject({ code: 'ELOOP' });
    });

    it('reads a file\'s ranges through one descriptor, so they all come from the same file', async () => {
      writeFileSync(join(root, 'replaced'), 'first version');
      const file = (await tree.lookup('/replaced'))!;
      expect((await tree.readRange(file, 0, 5)).toString()).toBe('first');
      writeFileSync(join(root, 'replacement'), 'other content');
      renameSync(join(root, 'replacement'), join(root, 'replaced'));
      expect((await tree.readRange(file, 6, 7)).toString()).toBe('version');
      // Once more files than are kept open have been read, it is let go, and read as it is now.
      for (let n = 0; n < 4; n++) {
        writeFileSync(join(root, `other-${n}`), 'x');
        await tree.readRange((await tree.lookup(`/other-${n}`))!, 0, 1);
      }
      expect((await tree.readRange(file, 0, 5)).toString()).toBe('other');
      await tree.close();
      expect((await tree.readRange(file, 0, 5)).toString()).toBe('other');
    });

    it('refuses, without waiting, a FIFO that took a file\'s place', async () => {
      writeFileSync(join(root, 'fifo'), 'a file');
      const file = (await tree.lookup('/fifo'))!;
      rmSync(join(root, 'fifo'));
      execFileSync('mkfifo', [join(root, 'fifo')]);
      await expect(tree.readRange(file, 0, 4)).rejects.toThrow(/no longer a regular file/);
      await expect(tree.readFile(file)).rejects.toThrow(/no longer a regular file/);
    });

    it('judges the file as it is when read, not as it was looked up', async () => {
      writeFileSync(join(root, 'growing'), 'small');
      const file = (await tree.lookup('/growing'))!;
      writeFileSync(join(root, 'growing'), Buffer.alloc(4096));
      await expect(tree.readRange(file, 0, 4)).rejects.toBeInstanceOf(FileTooLargeError);
      writeFileSync(join(root, 'growing'), 'ab');
      expect((await tree.readRange(file, 0, 100)).toString()).toBe('ab');
    });
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
