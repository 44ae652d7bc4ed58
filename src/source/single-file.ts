/**
 * @module One file as a target — a Go or Rust binary, a jar, a wheel — presented as a tree that
 * holds just that file at /<its name>, so the catalogers read it as they would inside an image.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkByteRange, FileTooLargeError, type DirEntry, type FileRef, type FileTree, type SourceLimits, type WalkDecision, type WalkEntry } from './file-tree.js';
import { hostError } from './directory.js';
import { HostRangeReader, readHostFile } from './host-file.js';
import { normalizeTreePath } from './tree-path.js';

/** Archive kinds that catalogers read as one file, whose contents are not a file system. */
const packageArchiveExtensions = /\.(jar|war|ear|jpi|hpi|par|sar|nar|kar|rar|whl|egg|nupkg|gem)$/i;

/** Executable formats: ELF, PE, Mach-O (both byte orders, 32 and 64 bits, and universal). */
export function isExecutableHeader(head: Buffer): boolean {
  if (head.length < 4) return false;
  const magic = head.readUInt32BE(0);
  return (
    magic === 0x7f454c46 || // ELF
    head.subarray(0, 2).toString('latin1') === 'MZ' ||
    [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)
  );
}

/** Whether a plain file should be read as a single-file target rather than as an archive. */
export async function isSingleFileTarget(path: string): Promise<boolean> {
  if (packageArchiveExtensions.test(path)) return true;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    // A Java class file shares Mach-O universal's magic; it is not a target either way, and a
    // binary the catalogers do not recognise simply yields no packages.
    return isExecutableHeader(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class SingleFileTree implements FileTree {
  readonly treePath: string;
  /** The user named this file, so a link to it is what they meant. */
  private readonly ranges = new HostRangeReader({ followLink: true });

  constructor(
    private readonly hostPath: string,
    private readonly size: number,
    private readonly mode: number,
    private readonly limits: SourceLimits,
  ) {
    this.treePath = `/${basename(hostPath)}`;
  }

  static async open(path: string, limits: SourceLimits): Promise<SingleFileTree> {
    try {
      const info = await stat(path);
      return new SingleFileTree(path, info.size, info.mode & 0o7777, limits);
    } catch (error) {
      throw hostError(path, error);
    }
  }

  private ref(path: string): FileRef {
    return { path, realPath: this.treePath, size: this.size };
  }

  async lookup(path: string): Promise<FileRef | undefined> {
    return normalizeTreePath(path) === this.treePath ? this.ref(path) : undefined;
  }

  async readDir(path: string): Promise<DirEntry[] | undefined> {
    return normalizeTreePath(path) === '/' ? [{ name: this.treePath.slice(1), kind: 'file' }] : undefined;
  }

  async readFile(file: FileRef): Promise<Buffer> {
    if (this.size > this.limits.maxFileBytes) throw new FileTooLargeError(file.path, this.size, this.limits.maxFileBytes);
    return readHostFile(this.hostPath, { path: file.path, maxFileBytes: this.limits.maxFileBytes }, { followLink: true });
  }

  async readHead(file: FileRef, length: number): Promise<Buffer> {
    return this.ranges.read(this.hostPath, 0, Math.max(0, length), { path: file.path });
  }

  async readRange(file: FileRef, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    checkByteRange(file.path, offset, length);
    if (this.size > this.limits.maxFileBytes) throw new FileTooLargeError(file.path, this.size, this.limits.maxFileBytes);
    return this.ranges.read(this.hostPath, offset, length, { path: file.path, maxFileBytes: this.limits.maxFileBytes }, into);
  }

  async localPath(): Promise<string> {
    return this.hostPath;
  }

  async versions(file: FileRef): Promise<FileRef[]> {
    return [file];
  }

  async walk(root: string, visit: (entry: WalkEntry) => WalkDecision): Promise<void> {
    if (normalizeTreePath(root) !== '/') return;
    visit({ path: this.treePath, kind: 'file', size: this.size, mode: this.mode });
  }

  async close(): Promise<void> {
    this.ranges.close();
  }
}
