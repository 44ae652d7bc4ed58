/**
 * @module A directory or mounted root filesystem read as a FileTree, with every link confined to it.
 *
 * Links are followed the way they would be after chroot(root): an absolute target starts again at
 * the root, and '..' at the root stays at the root. Nothing outside the root is ever opened.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { lstatSync, readdirSync, readlinkSync, type Dirent } from 'node:fs';
import { VigilError } from '../errors.js';
import {
  checkByteRange,
  FileTooLargeError,
  type DirEntry,
  type FileKind,
  type FileRef,
  type FileTree,
  type SourceLimits,
  type WalkDecision,
  type WalkEntry,
  type WalkOptions,
} from './file-tree.js';
import { HostRangeReader, readHostFile } from './host-file.js';
import { mountPointsBelow, readMounts } from './mount-points.js';
import type { PrelistedDirectories } from './prelisted-directories.js';
import { treePathSegments } from './tree-path.js';

/** Linux's own limit on links followed in one lookup (MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;

interface Resolved {
  /** Segments of the resolved path below the root. */
  segments: string[];
  kind: FileKind;
  size: number;
}

export class DirectoryTree implements FileTree {
  private readonly ranges = new HostRangeReader();

  private constructor(
    /** The real, absolute host path of the target root. */
    readonly root: string,
    readonly limits: SourceLimits,
    /** Folders listed ahead of the walk (see prelisted-directories.ts). */
    private readonly prelisted?: PrelistedDirectories,
  ) {}

  static async open(path: string, limits: SourceLimits, prelisted?: PrelistedDirectories): Promise<DirectoryTree> {
    let root: string;
    try {
      root = await realpath(path);
      const info = await stat(root);
      if (!info.isDirectory()) throw new VigilError('TARGET_UNRECOGNISED', `${path} is not a directory`);
    } catch (error) {
      if (error instanceof VigilError) throw error;
      throw hostError(path, error);
    }
    return new DirectoryTree(root, limits, prelisted);
  }

  private hostPath(segments: readonly string[]): string {
    if (segments.length === 0) return this.root;
    return this.root === '/' ? `/${segments.join('/')}` : `${this.root}/${segments.join('/')}`;
  }

  /**
   * Resolves a tree path, following every link (the last one too) inside the root. Synchronous
   * on purpose: a lookup is a handful of lstat calls on local metadata, and a thread-pool round
   * trip for each costs more than the call.
   */
  private resolve(path: string): Resolved | undefined {
    const pending = treePathSegments(path).reverse();
    const current: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const segment = pending.pop()!;
      if (segment === '..') {
        current.pop();
        continue;
      }
      current.push(segment);
      const info = lstatSync(this.hostPath(current), { throwIfNoEntry: false });
      if (!info) return undefined;
      if (info.isSymbolicLink()) {
        if (++hops > MAX_LINK_HOPS) return undefined;
        let target: string;
        try {
          target = readlinkSync(this.hostPath(current));
        } catch {
          return undefined;
        }
        current.pop();
        if (target.startsWith('/')) current.length = 0;
        // Raw segments, '..' included: they are interpreted against the link's own directory.
        const targetSegments = target.split('/').filter((s) => s !== '' && s !== '.');
        for (let i = targetSegments.length - 1; i >= 0; i--) pending.push(targetSegments[i]!);
        continue;
      }
      if (pending.length > 0 && !info.isDirectory()) return undefined;
      if (pending.length === 0) {
        const kind: FileKind = info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
        return { segments: [...current], kind, size: info.size };
      }
    }
    return { segments: [], kind: 'directory', size: 0 };
  }

  async lookup(path: string): Promise<FileRef | undefined> {
    const resolved = this.resolve(path);
    if (!resolved || resolved.kind !== 'file') return undefined;
    return { path, realPath: '/' + resolved.segments.join('/'), size: resolved.size };
  }

  async readDir(path: string): Promise<DirEntry[] | undefined> {
    const resolved = this.resolve(path);
    if (!resolved || resolved.kind !== 'directory') return undefined;
    let entries: Dirent[];
    try {
      entries = await readdir(this.hostPath(resolved.segments), { withFileTypes: true });
    } catch {
      return undefined;
    }
    return entries.map((entry) => ({ name: entry.name, kind: direntKind(entry) }));
  }

  async readFile(file: FileRef): Promise<Buffer> {
    if (file.size > this.limits.maxFileBytes) throw new FileTooLargeError(file.path, file.size, this.limits.maxFileBytes);
    return readHostFile(this.filePath(file), { path: file.path, maxFileBytes: this.limits.maxFileBytes });
  }

  async readHead(file: FileRef, length: number): Promise<Buffer> {
    return this.readHeadSync(file, length);
  }

  /** readHead without a promise, for a walk that tests files as it meets them. */
  readHeadSync(file: FileRef, length: number): Buffer {
    return this.ranges.read(this.filePath(file), 0, Math.max(0, length), { path: file.path });
  }

  async readRange(file: FileRef, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    checkByteRange(file.path, offset, length);
    if (file.size > this.limits.maxFileBytes) throw new FileTooLargeError(file.path, file.size, this.limits.maxFileBytes);
    return this.ranges.read(this.filePath(file), offset, length, { path: file.path, maxFileBytes: this.limits.maxFileBytes }, into);
  }

  /** The host path of a file found by lookup or a walk (its realPath has no link left to follow). */
  filePath(file: FileRef): string {
    const path = file.realPath;
    // Lookups and walks give canonical paths ("/a/b"): those are the host path under the root as
    // they are, with no splitting and joining for each of a parser's many range reads.
    if (path.startsWith('/') && !path.endsWith('/') && !path.includes('//') && !path.includes('/.')) {
      return this.root === '/' ? path : this.root + path;
    }
    return this.hostPath(treePathSegments(path));
  }

  /**
   * Walks with synchronous directory reads: a walk of a whole root file system is hundreds of
   * thousands of tiny system calls, and the thread-pool round trip of the promise API would
   * cost more than the calls themselves. A folder listed ahead (see prelisted-directories.ts)
   * is not read again. Kinds come from the directory listing; entries are
   * stat'ed only when a visitor reads their size or mode. To stay on one file system (as `find
   * -xdev` does) a directory's device is compared with the start's: only at the mount points
   * the kernel's mount table lists below the start, when its file system keeps one device
   * throughout (see mount-points.ts); at every directory otherwise.
   */
  async walk(root: string, visit: (entry: WalkEntry) => WalkDecision, options: WalkOptions = {}): Promise<void> {
    const start = this.resolve(root);
    if (!start || start.kind !== 'directory') return;
    const startHost = this.hostPath(start.segments);
    let rootDevice: number;
    try {
      rootDevice = lstatSync(startHost).dev;
    } catch {
      return;
    }
    const mountPoints = options.crossMounts ? undefined : mountPointsBelow(startHost, readMounts());
    // Host paths are the tree paths under the root's own path ('' for a root of '/').
    const prefix = this.root === '/' ? '' : this.root;
    const stack: string[] = ['/' + start.segments.join('/')];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = this.prelisted?.take(prefix + dir) ?? readdirSync(prefix + dir, { withFileTypes: true });
      } catch {
        continue; // unreadable or vanished since listed: nothing below it to report
      }
      const base = dir === '/' ? '' : dir;
      for (const entry of entries) {
        const tree = `${base}/${entry.name}`;
        if (entry.isFile()) {
          visit(new LazyEntry('file', tree, prefix));
        } else if (entry.isDirectory()) {
          const directory = new LazyEntry('directory', tree, prefix);
          // Other mounted file systems (/proc, /sys, network shares) are left out unless asked for.
          let sameDevice = true;
          if (!options.crossMounts && (!mountPoints || mountPoints.has(prefix + tree))) {
            const device = directory.device();
            if (device === undefined) continue; // vanished since listed
            sameDevice = device === rootDevice;
          }
          if (visit(directory) !== 'skip' && sameDevice) stack.push(tree);
        } else {
          visit({ path: tree, kind: entry.isSymbolicLink() ? 'symlink' : 'other', size: 0, mode: 0 });
        }
      }
    }
  }

  async localPath(file: FileRef): Promise<string> {
    return this.filePath(file);
  }

  async versions(file: FileRef): Promise<FileRef[]> {
    return [file];
  }

  async close(): Promise<void> {
    this.ranges.close();
    this.prelisted?.clear();
  }
}

/** A walked file or directory whose size and mode are read from the disk only when asked for. */
class LazyEntry implements WalkEntry {
  private info: { size: number; mode: number; dev: number; isFile: boolean } | undefined;

  constructor(
    readonly kind: 'file' | 'directory',
    readonly path: string,
    /** The host path of the tree's root ('' for '/'): the entry is at `${prefix}${path}`. */
    private readonly prefix: string,
  ) {}

  private stat(): { size: number; mode: number; dev: number; isFile: boolean } | undefined {
    if (!this.info) {
      const info = lstatSync(this.prefix + this.path, { throwIfNoEntry: false });
      if (!info) return undefined;
      this.info = { size: this.kind === 'file' ? info.size : 0, mode: info.mode & 0o7777, dev: info.dev, isFile: info.isFile() };
    }
    return this.info;
  }

  /** The device it is on; undefined when it is gone. */
  device(): number | undefined {
    return this.stat()?.dev;
  }

  /**
   * The walk reached this file through real directories only (links are never followed), so its
   * path is its real path, and one lstat gives what lookup would. Undefined when it is no longer
   * a regular file (replaced since it was listed): the caller then looks it up afresh.
   */
  fileRef(): FileRef | undefined {
    const info = this.kind === 'file' ? this.stat() : undefined;
    return info?.isFile ? { path: this.path, realPath: this.path, size: info.size } : undefined;
  }

  get size(): number {
    return this.stat()?.size ?? 0;
  }

  get mode(): number {
    return this.stat()?.mode ?? 0;
  }
}

function direntKind(entry: Dirent): FileKind {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** Turns a host file-system error about the target into the user-facing error. */
export function hostError(path: string, error: unknown): VigilError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new VigilError('TARGET_NOT_FOUND', `${path} does not exist`);
  if (code === 'EACCES' || code === 'EPERM') return new VigilError('TARGET_UNREADABLE', `${path} cannot be read: permission denied`);
  return new VigilError('TARGET_UNREADABLE', `${path} cannot be read: ${(error as Error)?.message ?? String(error)}`);
}
