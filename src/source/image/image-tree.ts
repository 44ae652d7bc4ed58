/**
 * @module The FileTree of a squashed image: lookups over the in-memory index, links resolved as
 * if the image root were chroot'ed, contents from the files kept during the layer pass or, when a
 * file was not kept, from its layer streamed again.
 */
import { readFile } from 'node:fs/promises';
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
import { HostRangeReader } from '../host-file.js';
import { treePathSegments } from '../tree-path.js';
import type { ContentStore } from './content-store.js';
import { HeldFiles } from './held-files.js';
import { extractLayerEntry, type LayerSource } from './layer-pass.js';
import { nodeFileKind, resolveInTree, walkSquashTree, type FileVersion, type ResolvedNode, type SquashTree, type TreeNode } from './squash-tree.js';



async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class ImageTree implements FileTree {
  /** Fallback extractions in flight or done, so one file is streamed out of its layer once. */
  private readonly extracting = new Map<FileVersion, Promise<string | undefined>>();
  private readonly ranges = new HostRangeReader();
  /** Files read into memory for ranged reads because they could not be kept on disk. */
  private readonly held = new HeldFiles();

  constructor(
    private readonly tree: SquashTree,
    /** By layer index. */
    private readonly layers: ReadonlyMap<number, LayerSource>,
    private readonly limits: SourceLimits,
    private readonly store: ContentStore,
  ) {}

  /** Resolves a path inside the tree, following symbolic links (the last one too) chroot-style. */
  private resolve(path: string): ResolvedNode | undefined {
    return resolveInTree(this.tree, treePathSegments(path));
  }

  private layerRef(index: number): LayerRef | undefined {
    return this.layers.get(index)?.ref;
  }

  private fileRef(path: string, realPath: string, version: FileVersion): FileRef {
    const layer = this.layerRef(version.layer);
    return layer ? { path, realPath, size: version.size, layer } : { path, realPath, size: version.size };
  }

  async lookup(path: string): Promise<FileRef | undefined> {
    const resolved = this.resolve(path);
    if (!resolved) return undefined;
    const { node } = resolved;
    const version = node.versions?.[node.versions.length - 1];
    if (!version || (node.kind !== 'file' && node.kind !== 'hardlink')) return undefined;
    let realPath = '/' + resolved.segments.join('/');
    if (node.kind === 'hardlink' && node.linkTarget) {
      // The link names the path it shares content with, as long as that path still holds it.
      const target = this.tree.get(treePathSegments(node.linkTarget));
      if (target?.versions?.[target.versions.length - 1] === version) realPath = node.linkTarget;
    }
    return this.fileRef(path, realPath, version);
  }

  async readDir(path: string): Promise<DirEntry[] | undefined> {
    const resolved = this.resolve(path);
    if (!resolved || resolved.node.kind !== 'directory') return undefined;
    return [...(resolved.node.children ?? new Map<string, TreeNode>())].map(([name, child]) => ({ name, kind: nodeFileKind(child) }));
  }

  /** The node and version a FileRef stands for. */
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

  private found(file: FileRef): FileVersion {
    const found = this.versionOf(file);
    if (!found) throw Object.assign(new Error(`${file.path} is not a file of this image`), { code: 'ENOENT' });
    return found.version;
  }

  async readHead(file: FileRef, length: number): Promise<Buffer> {
    // Held to the file limit like readFile, as it always was here: an image's files are read
    // from their local copies, and a file over the limit was never kept.
    return this.readRange(file, 0, Math.max(0, length));
  }

  async readRange(file: FileRef, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    checkByteRange(file.path, offset, length);
    const version = this.found(file);
    if (version.size > this.limits.maxFileBytes) throw new FileTooLargeError(file.path, version.size, this.limits.maxFileBytes);
    const local = await this.keep(version);
    if (local) return this.ranges.read(local, offset, length, { path: file.path, maxFileBytes: this.limits.maxFileBytes }, into);
    // The extraction budget is spent: the file comes out of its layer whole, as readFile reads it,
    // once; the ranges a parser asks for next are cut from memory rather than streaming the layer
    // again for each.
    const bytes = await this.held.bytesOf(version, async () => {
      const read = await this.fromLayer(version, collect);
      if (!read) throw new Error(`${file.path} could not be read from layer ${version.layer}`);
      return read;
    });
    return bytes.subarray(offset, offset + clippedLength(bytes.length, offset, length));
  }

  async walk(root: string, visit: (entry: WalkEntry) => WalkDecision): Promise<void> {
    const start = this.resolve(root);
    if (start?.node.kind === 'directory') walkSquashTree('/' + start.segments.join('/'), start.node, visit);
  }

  async readFile(file: FileRef): Promise<Buffer> {
    const version = this.found(file);
    if (version.size > this.limits.maxFileBytes) throw new FileTooLargeError(file.path, version.size, this.limits.maxFileBytes);
    const local = await this.keep(version);
    if (local) return readFile(local);
    // The extraction budget is spent: read the bytes straight from the layer into memory.
    const bytes = await this.fromLayer(version, collect);
    if (!bytes) throw new Error(`${file.path} could not be read from layer ${version.layer}`);
    return bytes;
  }

  async localPath(file: FileRef): Promise<string> {
    const version = this.found(file);
    const local = await this.keep(version);
    if (!local) throw new Error(`${file.path} cannot be extracted: the ${this.limits.maxExtractBytes}-byte extraction limit is reached`);
    return local;
  }

  /** The local copy of a version, extracting it from its layer when the first pass did not keep it. */
  private keep(version: FileVersion): Promise<string | undefined> {
    if (version.localPath) return Promise.resolve(version.localPath);
    let pending = this.extracting.get(version);
    if (!pending) {
      // Over the extraction budget: readFile then reads into memory, localPath fails.
      if (!this.store.reserve(version.size)) return Promise.resolve(undefined);
      pending = this.fromLayer(version, (stream) => this.store.write(stream)).then((path) => {
        if (path) version.localPath = path;
        return path;
      });
      pending.catch(() => this.extracting.delete(version));
      this.extracting.set(version, pending);
    }
    return pending;
  }

  private async fromLayer<T>(version: FileVersion, sink: (stream: AsyncIterable<Buffer>) => Promise<T>): Promise<T | undefined> {
    const layer = this.layers.get(version.layer);
    if (!layer) return undefined;
    return extractLayerEntry(layer, version.source, this.limits, sink);
  }

  async versions(file: FileRef): Promise<FileRef[]> {
    const found = this.versionOf(file);
    if (!found) return [file];
    const history = found.node.versions!;
    const end = history.indexOf(found.version);
    return history.slice(0, end + 1).map((version) => this.fileRef(file.path, file.realPath, version));
  }

  async close(): Promise<void> {
    this.extracting.clear();
    this.held.clear();
    this.ranges.close();
  }
}

