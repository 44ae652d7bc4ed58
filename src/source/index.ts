/**
 * @module Opens a target as a read-only FileTree: a directory, a root filesystem, an image archive
 * or a zip archive (a function deployment package, with its layers).
 * @see https://github.com/opencontainers/image-spec/blob/main/image-layout.md
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { VigilError } from '../errors.js';
import type { TargetDescription } from '../model/inventory.js';
import type { Warning } from '../model/warning.js';
import { DirectoryTree, hostError } from './directory.js';
import type { FileTree, SourceLimits } from './file-tree.js';
import { openImageArchive, sniffImageArchive } from './image/index.js';
import { parseTargetSpec, type TargetSpec } from './target-spec.js';
import { createTempDir } from './temp-dir.js';
import { openZipTarget, sniffZip } from './zip/index.js';
import { isSingleFileTarget, sha256OfFile, SingleFileTree } from './single-file.js';

export { parseTargetSpec, type TargetSpec };
export type { FileTree, FileRef, DirEntry, SourceLimits } from './file-tree.js';
export { defaultSourceLimits, FileTooLargeError } from './file-tree.js';

export interface OpenSourceOptions {
  limits: SourceLimits;
  /** Which files the catalogers will read; image sources keep only these while streaming. */
  /** Which files to keep while streaming: by path, permission bits and size. */
  interest: (path: string, mode: number, size: number) => boolean;
  /** "os/arch[/variant]" for multi-platform images. */
  platform?: string;
  /** Zip targets only: the function's layer archives, in order (unpacked under /opt). */
  layers?: readonly string[];
  onProgress?: (done: number, total: number) => void;
}

export interface OpenedSource {
  tree: FileTree;
  target: TargetDescription;
  warnings: Warning[];
  /** Closes the tree and removes every temporary file. */
  close(): Promise<void>;
}

async function resolveKind(spec: TargetSpec): Promise<Exclude<TargetSpec['kind'], 'auto'>> {
  if (spec.kind !== 'auto') return spec.kind;
  let info;
  try {
    info = await stat(spec.path);
  } catch (error) {
    throw hostError(spec.path, error);
  }
  if (info.isFile() && (await isSingleFileTarget(spec.path))) return 'file';
  if (await sniffZip(spec.path)) return 'zip';
  const sniffed = await sniffImageArchive(spec.path);
  if (sniffed) return sniffed;
  if (info.isDirectory()) return 'directory';
  throw new VigilError(
    'TARGET_UNRECOGNISED',
    `${spec.path} is not a directory, an image archive (docker-archive, oci-archive, OCI layout), a zip, a binary or a package archive`,
  );
}

export async function openSource(input: string | TargetSpec, options: OpenSourceOptions): Promise<OpenedSource> {
  const spec = typeof input === 'string' ? parseTargetSpec(input) : input;
  const kind = await resolveKind(spec);
  const path = resolve(spec.path);
  const layers = options.layers ?? [];
  if (layers.length > 0 && kind !== 'zip') {
    throw new VigilError('INVALID_ARGUMENT', `layers go with a zip function package, and ${spec.path} is a ${kind}`);
  }
  if (kind === 'file') {
    const tree = await SingleFileTree.open(path, options.limits);
    return {
      tree,
      target: { kind: 'file', name: spec.path, path, sha256: await sha256OfFile(path) },
      warnings: [],
      close: () => tree.close(),
    };
  }
  if (kind === 'directory') {
    const tree = await DirectoryTree.open(path, options.limits);
    return {
      tree,
      target: { kind: 'directory', name: spec.path, path },
      warnings: [],
      close: () => tree.close(),
    };
  }
  const temp = createTempDir();
  try {
    const opened =
      kind === 'zip'
        ? await openZipTarget({ path, layers: layers.map((layer) => resolve(layer)) }, { limits: options.limits, tempDir: temp.path })
        : await openImageArchive(
            { kind, path },
            {
              interest: options.interest,
              limits: options.limits,
              tempDir: temp.path,
              ...(options.platform ? { platform: options.platform } : {}),
              ...(options.onProgress ? { onProgress: options.onProgress } : {}),
            },
          );
    return {
      tree: opened.tree,
      target: { ...opened.target, name: opened.target.name || basename(path) },
      warnings: opened.warnings,
      async close() {
        try {
          await opened.tree.close();
        } finally {
          temp.remove();
        }
      },
    };
  } catch (error) {
    temp.remove();
    throw error;
  }
}
