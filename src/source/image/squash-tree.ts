/**
 * @module The squashed file system of an image, built layer by layer in memory: a tree of nodes
 * (so a whiteout drops a whole subtree at once), with whiteouts and opaque directories applied
 * to lower layers only, whatever their order inside a layer. Pure: no I/O.
 * @see https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts
 */

import type { FileKind, WalkDecision, WalkEntry } from '../file-tree.js';
import { joinTreePath } from '../tree-path.js';

export type NodeKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

/** One version of a regular file's content: the layer entry that wrote it. */
export interface FileVersion {
  /** Layer index, 0 = base. */
  layer: number;
  size: number;
  /** The entry path inside that layer's tar that carries the bytes ("usr/bin/x"). */
  source: string;
  /** Where the bytes were kept on the local disk, once they are. */
  localPath?: string;
}

export interface TreeNode {
  kind: NodeKind;
  mode: number;
  /** The layer that last wrote this node. */
  layer: number;
  /** The highest layer that wrote this node or anything below it. */
  touched: number;
  /** Symbolic link target as written, or the absolute in-tree path a hard link names. */
  linkTarget?: string;
  children?: Map<string, TreeNode>;
  /** Regular files and hard links: the content versions at this path, oldest first. */
  versions?: FileVersion[];
}

export type EntryName =
  | { type: 'path'; segments: string[] }
  | { type: 'whiteout'; dir: string[]; name: string }
  | { type: 'opaque'; dir: string[] }
  /** The root directory itself ("./"). */
  | { type: 'root' }
  /** A name whose '..' climbs above the root: ignored. */
  | { type: 'escape' };

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Lexically normalises a path to segments; undefined when '..' would leave the root. */
export function normalizeSegments(path: string): string[] | undefined {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(segment);
  }
  return out;
}

/** Classifies a layer tar entry name: a path, a whiteout, an opaque marker, the root, or an escape. */
export function classifyEntryName(name: string): EntryName {
  const segments = normalizeSegments(name);
  if (!segments) return { type: 'escape' };
  if (segments.length === 0) return { type: 'root' };
  const last = segments[segments.length - 1]!;
  const dir = segments.slice(0, -1);
  if (last === OPAQUE) return { type: 'opaque', dir };
  if (last.startsWith(WHITEOUT)) {
    const target = last.slice(WHITEOUT.length);
    if (target === '' || target === '.' || target === '..') return { type: 'escape' };
    return { type: 'whiteout', dir, name: target };
  }
  return { type: 'path', segments };
}

export interface EntryFacts {
  kind: NodeKind;
  mode: number;
  size: number;
  /** Symlink: the target as written. Hard link: the linked entry's name as written in the tar. */
  linkName?: string;
}

export type ApplyResult =
  | { status: 'applied'; node: TreeNode; version?: FileVersion }
  /** A hard link to a path that is absent or not a file. */
  | { status: 'dangling-link' }
  | { status: 'escape' };

function newDirectory(layer: number, mode = 0o755): TreeNode {
  return { kind: 'directory', mode, layer, touched: layer, children: new Map() };
}

export class SquashTree {
  readonly root: TreeNode = newDirectory(-1);

  /** The node at a path, without following links. */
  get(segments: readonly string[]): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (const segment of segments) {
      node = node.children?.get(segment);
      if (!node) return undefined;
    }
    return node;
  }

  /** The directory at a path, created (replacing any non-directory) along the way; marks it touched. */
  private ensureDirectory(segments: readonly string[], layer: number): TreeNode {
    let node = this.root;
    node.touched = layer;
    for (const segment of segments) {
      let child = node.children!.get(segment);
      if (!child || child.kind !== 'directory') {
        child = newDirectory(layer);
        node.children!.set(segment, child);
      }
      child.touched = layer;
      node = child;
    }
    return node;
  }

  /** Applies one entry of layer `layer` at `segments` (a path entry, not a whiteout). */
  apply(segments: readonly string[], facts: EntryFacts, layer: number): ApplyResult {
    if (segments.length === 0) {
      this.root.mode = facts.kind === 'directory' ? facts.mode : this.root.mode;
      return { status: 'applied', node: this.root };
    }
    const parent = this.ensureDirectory(segments.slice(0, -1), layer);
    const name = segments[segments.length - 1]!;
    const previous = parent.children!.get(name);
    // A file's history goes on when a file replaces it; anything else starts afresh.
    const history = previous?.versions ?? [];
    const keepHistory = (version: FileVersion): FileVersion[] => {
      const kept = history.filter((earlier) => earlier.layer !== version.layer);
      return [...kept, version];
    };

    if (facts.kind === 'directory') {
      if (previous?.kind === 'directory') {
        previous.mode = facts.mode;
        previous.layer = layer;
        previous.touched = layer;
        return { status: 'applied', node: previous };
      }
      const node = newDirectory(layer, facts.mode);
      parent.children!.set(name, node);
      return { status: 'applied', node };
    }

    if (facts.kind === 'hardlink') {
      const targetSegments = normalizeSegments(facts.linkName ?? '');
      if (!targetSegments) return { status: 'escape' };
      const target = this.get(targetSegments);
      const targetVersion = target?.versions?.[target.versions.length - 1];
      if (!target || !targetVersion || (target.kind !== 'file' && target.kind !== 'hardlink')) return { status: 'dangling-link' };
      if (target === previous) return { status: 'applied', node: target };
      const node: TreeNode = {
        kind: 'hardlink',
        mode: target.mode,
        layer,
        touched: layer,
        linkTarget: '/' + targetSegments.join('/'),
        // The link shares the target's content as it is now, even if the target is replaced later.
        versions: keepHistory(targetVersion),
      };
      parent.children!.set(name, node);
      return { status: 'applied', node };
    }

    const node: TreeNode = { kind: facts.kind, mode: facts.mode, layer, touched: layer };
    let version: FileVersion | undefined;
    if (facts.kind === 'file') {
      version = { layer, size: facts.size, source: segments.join('/') };
      node.versions = keepHistory(version);
    } else if (facts.kind === 'symlink') {
      node.linkTarget = facts.linkName ?? '';
    }
    parent.children!.set(name, node);
    return version ? { status: 'applied', node, version } : { status: 'applied', node };
  }

  /** `.wh.<name>` in layer `layer`: removes `name` and its subtree as lower layers left them. */
  whiteout(dir: readonly string[], name: string, layer: number): void {
    const parent = this.get(dir);
    const child = parent?.children?.get(name);
    if (!parent || !child) return;
    if (child.touched < layer) parent.children!.delete(name);
    else if (child.kind === 'directory') {
      // The lower directory is gone; what remains is the one this layer's own entries imply.
      child.layer = layer;
      this.pruneLower(child, layer);
    }
  }

  /** `.wh..wh..opq` in layer `layer`: hides every lower-layer child of the directory. */
  opaque(dir: readonly string[], layer: number): void {
    this.pruneLower(this.ensureDirectory(dir, layer), layer);
  }

  /** Removes what lower layers put below a directory, keeping what layer `layer` itself wrote. */
  private pruneLower(directory: TreeNode, layer: number): void {
    for (const [name, child] of directory.children ?? []) {
      if (child.touched < layer) directory.children!.delete(name);
      else if (child.kind === 'directory') {
        child.layer = layer;
        this.pruneLower(child, layer);
      }
    }
  }
}

/** The kind a walk or listing reports for a node: a hard link is a file like any other. */
export function nodeFileKind(node: TreeNode): FileKind {
  switch (node.kind) {
    case 'file':
    case 'hardlink':
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    default:
      return 'other';
  }
}

/** Visits every node below `start` (at tree path `startPath`), depth first, links not followed. */
export function walkSquashTree(startPath: string, start: TreeNode, visit: (entry: WalkEntry) => WalkDecision): void {
  const stack: Array<{ path: string; node: TreeNode }> = [{ path: startPath, node: start }];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const [name, node] of dir.node.children ?? []) {
      const path = joinTreePath(dir.path, name);
      const kind = nodeFileKind(node);
      const size = kind === 'file' ? (node.versions?.[node.versions.length - 1]?.size ?? 0) : 0;
      const decision = visit({ path, kind, size, mode: node.mode & 0o7777 });
      if (kind === 'directory' && decision !== 'skip') stack.push({ path, node });
    }
  }
}

/** Linux's own limit on links followed in one lookup (MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;

export interface ResolvedNode {
  /** Segments of the path after every link is followed. */
  segments: string[];
  node: TreeNode;
}

/**
 * Resolves a path inside a squashed tree, following symbolic links (the last one too) as if the
 * tree's root were chroot'ed: absolute targets start again at the root and '..' never climbs
 * above it. Undefined for a missing path, a path through a non-directory, or a link loop.
 */
export function resolveInTree(tree: SquashTree, segmentsOfPath: readonly string[]): ResolvedNode | undefined {
  const pending = [...segmentsOfPath].reverse();
  const current: string[] = [];
  const nodes: TreeNode[] = [tree.root];
  let hops = 0;
  while (pending.length > 0) {
    const segment = pending.pop()!;
    if (segment === '..') {
      if (current.length > 0) {
        current.pop();
        nodes.pop();
      }
      continue;
    }
    const parent = nodes[nodes.length - 1]!;
    if (parent.kind !== 'directory') return undefined;
    const node = parent.children?.get(segment);
    if (!node) return undefined;
    if (node.kind === 'symlink') {
      if (++hops > MAX_LINK_HOPS) return undefined;
      const target = node.linkTarget ?? '';
      if (target.startsWith('/')) {
        current.length = 0;
        nodes.length = 1;
      }
      // Raw segments, '..' included: they are interpreted against the link's own directory.
      const targetSegments = target.split('/').filter((s) => s !== '' && s !== '.');
      for (let i = targetSegments.length - 1; i >= 0; i--) pending.push(targetSegments[i]!);
      continue;
    }
    current.push(segment);
    nodes.push(node);
  }
  return { segments: current, node: nodes[nodes.length - 1]! };
}
