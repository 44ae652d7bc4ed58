/**
 * @module The FileTree of one or more zip archives laid out together: lookups over the
 * in-memory index, links resolved as if the tree root were chroot'ed, contents streamed out of
 * their archive on demand (zips have random access), local copies made once, under generated
 * names, in the private temporary folder.
 */
import { open, readFile } from 'node:fs/promises';
import type { LayerRef } from '../../model/package.js';
import {
  checkByteRange,
  clippedLength,
  FileTooLargeError,
  type DirEntry,
  type FileRef,
  type FileTree,
  type SourceLimits,
  type WalkDecision,
  type WalkEntry,
} from '../file-tree.js';
import type { ContentStore } from '../image/content-store.js';
import { HeldFiles } from '../image/held-files.js';
import { nodeFileKind, resolveInTree, walkSquashTree, type FileVersion, type ResolvedNode, type SquashTree, type TreeNode } from '../image/squash-tree.js';
import { HostRangeReader } from '../host-file.js';
import { treePathSegments } from '../tree-path.js';
import type { MemberData, ZipArchive } from './zip-archive.js';


/** One archive of the tree: the function package (index 0) or a layer. */
export interface ZipLayer {
  ref: LayerRef;
  archive: ZipArchive;
}

/** Where a file version's bytes live: its archive and member. */
export interface MemberLocation {
  archive: ZipArchive;
  data: MemberData;
  /** The member name, for messages. */
  name: string;
}


export class ZipTree implements FileTree {
  /** Extractions in flight or done, so one member is written out once. */
  private readonly extracting = new Map<FileVersion, Promise<string>>();
  private readonly ranges = new HostRangeReader();
  /** Members inflated into memory for ranged reads because they could not be written out. */
  private readonly held = new HeldFiles();
  private closed = false;

  constructor(
    private readonly tree: SquashTree,
    /** By layer index. */
    private readonly layers: readonly ZipLayer[],
    private readonly members: ReadonlyMap<FileVersion, MemberLocation>,
    private readonly limits: SourceLimits,
    private readonly store: ContentStore,
  ) {}

  /** Resolves a path inside the tree, following symbolic links (the last one too) chroot-style. */
  private resolve(path: string): ResolvedNode | undefined {
    return resolveInTree(this.tree, treePathSegments(path));
  }

  private fileRef(path: string, realPath: string, version: FileVersion): FileRef {
    const layer = this.layers[version.layer]?.ref;
    return layer ? { path, realPath, size: version.size, layer } : { path, realPath, size: version.size };
  }

  async lookup(path: string): Promise<FileRef | undefined> {
    const resolved = this.resolve(path);
    if (!resolved || resolved.node.kind !== 'file') return undefined;
    const version = resolved.node.versions?.[resolved.node.versions.length - 1];
    return version ? this.fileRef(path, '/' + resolved.segments.join('/'), version) : undefined;
  }

  async readDir(path: string): Promise<DirEntry[] | undefined> {
    const resolved = this.resolve(path);
    if (!resolved || resolved.node.kind !== 'directory') return undefined;
    return [...(resolved.node.children ?? new Map<string, TreeNode>())].map(([name, child]) => ({ name, kind: nodeFileKind(child) }));
  }

  async walk(root: string, visit: (entry: WalkEntry) => WalkDecision): Promise<void> {
    const start = this.resolve(root);
    if (start?.node.kind === 'directory') walkSquashTree('/' + start.segments.join('/'), start.node, visit);
  }

  /** The version a FileRef stands for: the one of its layer, else the current one. */
  private versionOf(file: FileRef): { node: TreeNode; version: FileVersion } | undefined {
    const node = this.tree.get(treePathSegments(file.realPath));
    const versions = node?.versions;
    if (!node || !versions || versions.length === 0) return undefined;
    if (!file.layer) return { node, version: versions[versions.length - 1]! };
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i]!.layer === file.layer.index) return { node, version: versions[i]! };
    }
    return undefined;
  }

  private located(file: FileRef): { version: FileVersion; member: MemberLocation } {
    if (this.closed) throw new Error(`${file.path} cannot be read: the zip target is closed`);
    const version = this.versionOf(file)?.version;
    const member = version && this.members.get(version);
    if (!version || !member) throw Object.assign(new Error(`${file.path} is not a file of this zip target`), { code: 'ENOENT' });
    return { version, member };
  }

  async readFile(file: FileRef): Promise<Buffer> {
    const { version, member } = this.located(file);
    if (version.size > this.limits.maxFileBytes) throw new FileTooLargeError(file.path, version.size, this.limits.maxFileBytes);
    if (version.localPath) return readFile(version.localPath);
    return member.archive.readAll(member.data, member.name);
  }

  async readHead(file: FileRef, length: number): Promise<Buffer> {
    const { version, member } = this.located(file);
    if (!version.localPath) return member.archive.readHead(member.data, member.name, length);
    const handle = await open(version.localPath, 'r');
    try {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, version.size)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async readRange(file: FileRef, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    checkByteRange(file.path, offset, length);
    const { version, member } = this.located(file);
    if (version.size > this.limits.maxFileBytes) throw new FileTooLargeError(file.path, version.size, this.limits.maxFileBytes);
    if (!version.localPath && member.data.method === 0) return member.archive.readStoredRange(member.data, member.name, offset, length);
    // A deflated member has no random access: it is written out once, as localPath does, and its
    // ranges read from the copy. Over the extraction budget it is inflated into memory once, as
    // readFile would, and the ranges a parser asks for next are cut from there.
    const local = await this.extract(file);
    if (local) return this.ranges.read(local, offset, length, { path: file.path, maxFileBytes: this.limits.maxFileBytes }, into);
    const bytes = await this.held.bytesOf(version, () => member.archive.readAll(member.data, member.name));
    return bytes.subarray(offset, offset + clippedLength(bytes.length, offset, length));
  }

  async localPath(file: FileRef): Promise<string> {
    const local = await this.extract(file);
    if (local === undefined) throw new Error(`${file.path} cannot be extracted: the ${this.limits.maxExtractBytes}-byte extraction limit is reached`);
    return local;
  }

  /**
   * Writes the member out once (checked as it streams), under a generated name in the temporary
   * folder; undefined when it does not fit in what is left of the extraction budget.
   */
  private async extract(file: FileRef): Promise<string | undefined> {
    const { version, member } = this.located(file);
    if (version.localPath) return version.localPath;
    let pending = this.extracting.get(version);
    if (!pending) {
      if (!this.store.reserve(version.size)) return undefined;
      pending = this.store.write(member.archive.stream(member.data, member.name)).then((path) => {
        version.localPath = path;
        return path;
      });
      pending.catch(() => this.extracting.delete(version));
      this.extracting.set(version, pending);
    }
    return pending;
  }

  async versions(file: FileRef): Promise<FileRef[]> {
    const found = this.versionOf(file);
    if (!found) return [file];
    const history = found.node.versions!;
    const end = history.indexOf(found.version);
    return history.slice(0, end + 1).map((version) => this.fileRef(file.path, file.realPath, version));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.extracting.clear();
    this.held.clear();
    this.ranges.close();
    for (const layer of this.layers) layer.archive.close();
  }
}

