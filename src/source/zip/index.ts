/**
 * @module Opens a zip archive as a read-only FileTree, laid out as AWS Lambda runs a function
 * deployment package with its layers: the package under /var/task, each layer under /opt in the
 * order given, a later layer replacing an earlier layer's file. Only the central directories are
 * read up front; file contents come out of their archive when asked for. Archives inside the
 * package (wheels, jars, zips) stay files: catalogers read them in place.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html
 */
import { basename } from 'node:path';
import type { TargetDescription } from '../../model/inventory.js';
import type { LayerRef } from '../../model/package.js';
import type { Warning } from '../../model/warning.js';
import type { FileTree, SourceLimits } from '../file-tree.js';
import { ContentStore } from '../image/content-store.js';
import { SquashTree, type FileVersion } from '../image/squash-tree.js';
import { ZipArchive, zipCaps, type ZipCaps } from './zip-archive.js';
import { ZipTree, type MemberLocation, type ZipLayer } from './zip-tree.js';

export { sniffZip } from './sniff.js';
export { zipCaps, type ZipCaps } from './zip-archive.js';

/** Where Lambda unpacks the function package, and where it unpacks every layer. */
export const FUNCTION_ROOT = ['var', 'task'] as const;
export const LAYER_ROOT = ['opt'] as const;

export type ZipTargetDescription = Extract<TargetDescription, { kind: 'zip' }>;

export interface ZipTargetSpec {
  /** The function deployment package (any zip archive). */
  path: string;
  /** Layer archives, in the order the function lists them. */
  layers: readonly string[];
}

export interface OpenZipOptions {
  /**
   * Which files the catalogers will read. Unused: a zip has random access, so contents are read
   * when asked for, not kept while streaming.
   */
  interest?: (path: string, mode: number, size: number) => boolean;
  limits: SourceLimits;
  /** A private folder the caller creates and removes; local copies of files go inside it. */
  tempDir: string;
  /** Lower zip-bomb caps (tests); the defaults are `zipCaps`. */
  caps?: Partial<ZipCaps>;
}

export interface OpenedZip {
  tree: FileTree;
  target: ZipTargetDescription;
  warnings: Warning[];
}

/**
 * Opens a function package and its layers. Layer index 0 is the package itself, 1..n the layers
 * in order; every file carries the LayerRef of the archive it came from, and a file a later
 * layer replaced keeps the earlier versions as its history.
 */
export async function openZipTarget(spec: ZipTargetSpec, options: OpenZipOptions): Promise<OpenedZip> {
  const caps: ZipCaps = { ...zipCaps, ...options.caps };
  const warnings: Warning[] = [];
  const layers: ZipLayer[] = [];
  try {
    const paths = [spec.path, ...spec.layers];
    for (const [index, path] of paths.entries()) {
      const archive = await ZipArchive.open(path, index === 0 ? path : `the layer ${path}`);
      layers.push({ ref: { index, digest: `sha256:${archive.sha256}` }, archive });
    }
    const tree = new SquashTree();
    const members = new Map<FileVersion, MemberLocation>();
    for (const { ref, archive } of layers) {
      const root = ref.index === 0 ? FUNCTION_ROOT : LAYER_ROOT;
      tree.apply(root, { kind: 'directory', mode: 0o755, size: 0 }, ref.index);
      for (const member of await archive.readMembers(options.limits, caps, warnings)) {
        const result = tree.apply(
          [...root, ...member.segments],
          { kind: member.kind, mode: member.mode, size: member.data.size, ...(member.linkTarget !== undefined ? { linkName: member.linkTarget } : {}) },
          ref.index,
        );
        if (result.status === 'applied' && result.version) members.set(result.version, { archive, data: member.data, name: member.name });
      }
    }
    const store = new ContentStore(options.tempDir, options.limits.maxExtractBytes);
    const function_ = layers[0]!;
    return {
      tree: new ZipTree(tree, layers, members, options.limits, store),
      target: {
        kind: 'zip',
        name: basename(spec.path),
        path: spec.path,
        sha256: function_.archive.sha256,
        layers: layers.map((layer): LayerRef => layer.ref),
      },
      warnings,
    };
  } catch (error) {
    for (const layer of layers) layer.archive.close();
    throw error;
  }
}
