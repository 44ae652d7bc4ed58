/**
 * @module A directory or mounted root filesystem read as a FileTree, with every link confined to it.
 *
 * Links are followed the way they would be after chroot(root): an absolute target starts again at
 * the root, and '..' at the root stays at the root. Nothing outside the root is ever opened.
 */
import { lstat, readdir, readlink, open, realpath, stat } from 'node:fs/promises';
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { VigilError } from '../errors.js';
import {
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
import { joinTreePath, treePathSegments } from './tree-path.js';

/** Linux's own limit on links followed in one lookup (MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;

interface Resolved {
  /** Segments of the resolved path below the root. */
  segments: string[];
  kind: FileKind;
  size: number;
}

export class DirectoryTree implements FileTree {
  private constructor(
    /** The real, absolute host path of the target root. */
    readonly root: string,
    private readonly limits: SourceLimits,
  ) {}

  static async open(path: string, limits: SourceLimits): Promise<DirectoryTree> {
    let root: string;
    try {
      root = await realpath(path);
      const info = await stat(root);
      if (!info.isDirectory()) throw new VigilError('TARGET_UNRECOGNISED', `${path} is not a directory`);
    } catch (error) {
      if (error instanceof VigilError) throw error;
      throw hostError(path, error);
    }
    return new DirectoryTree(root, limits);
  }

  private hostPath(segments: readonly string[]): string {
    if (segments.length === 0) return this.root;
    return this.root === '/' ? `/${segments.join('/')}` : `${this.root}/${segments.join('/')}`;
  }

  /** Resolves a tree path, following every link (the last one too) inside the root. */
  private async resolve(path: string): Promise<Resolved | undefined> {
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
      let info;
      try {
        info = await lstat(this.hostPath(current));
      } catch {
        return undefined;
      }
      if (info.isSymbolicLink()) {
        if (++hops > MAX_LINK_HOPS) return undefined;
        const target = await readlink(this.hostPath(current));
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
    const resolved = await this.resolve(path);
    if (!resolved || resolved.kind !== 'file') return undefined;
    return { path, realPath: '/' + resolved.segments.join('/'), size: resolved.size };
  }

  async readDir(path: string): Promise<DirEntry[] | undefined> {
    const resolved = await this.resolve(path);
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
    const handle = await open(this.hostPath(treePathSegments(file.realPath)), 'r');
    try {
      // The file may have grown since lookup: check again on the open handle.
      const info = await handle.stat();
      if (info.size > this.limits.maxFileBytes) throw new FileTooLargeError(file.path, info.size, this.limits.maxFileBytes);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async readHead(file: FileRef, length: number): Promise<Buffer> {
    const handle = await open(this.hostPath(treePathSegments(file.realPath)), 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /**
   * Walks with synchronous directory reads: a walk of a whole root file system is hundreds of
   * thousands of tiny system calls, and the thread-pool round trip of the promise API would
   * cost more than the calls themselves.
   */
  async walk(root: string, visit: (entry: WalkEntry) => WalkDecision, options: WalkOptions = {}): Promise<void> {
    const start = await this.resolve(root);
    if (!start || start.kind !== 'directory') return;
    const startHost = this.hostPath(start.segments);
    let rootDevice: number;
    try {
      rootDevice = lstatSync(startHost).dev;
    } catch {
      return;
    }
    const stack: Array<{ tree: string; host: string }> = [{ tree: '/' + start.segments.join('/'), host: startHost }];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir.host, { withFileTypes: true });
      } catch {
        continue; // unreadable or vanished since listed: nothing below it to report
      }
      for (const entry of entries) {
        const tree = joinTreePath(dir.tree, entry.name);
        const host = dir.host === '/' ? `/${entry.name}` : `${dir.host}/${entry.name}`;
        const kind = direntKind(entry);
        let size = 0;
        let mode = 0;
        let device = rootDevice;
        if (kind === 'file' || kind === 'directory') {
          try {
            const info = lstatSync(host);
            size = kind === 'file' ? info.size : 0;
            mode = info.mode & 0o7777;
            device = info.dev;
          } catch {
            continue;
          }
        }
        const decision = visit({ path: tree, kind, size, mode });
        if (kind !== 'directory' || decision === 'skip') continue;
        // Other mounted file systems (/proc, /sys, network shares) are left out unless asked for.
        if (device !== rootDevice && !options.crossMounts) continue;
        stack.push({ tree, host });
      }
    }
  }

  async localPath(file: FileRef): Promise<string> {
    return this.hostPath(treePathSegments(file.realPath));
  }

  async versions(file: FileRef): Promise<FileRef[]> {
    return [file];
  }

  async close(): Promise<void> {}
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
