/**
 * @module Opens a container image archive (docker-archive, oci-archive, OCI layout folder) as a
 * squashed, read-only FileTree, streaming each layer once and keeping only the files asked for.
 * @see https://github.com/opencontainers/image-spec/blob/main/image-layout.md
 */
import { stat } from 'node:fs/promises';
import { VigilError } from '../../errors.js';
import type { TargetDescription } from '../../model/inventory.js';
import type { Warning } from '../../model/warning.js';
import { hostError } from '../directory.js';
import type { FileTree, SourceLimits } from '../file-tree.js';
import { folderFiles, tarFiles, type ArchiveFiles } from './archive-files.js';
import { ContentStore } from './content-store.js';
import { resolveDockerArchive } from './docker-archive.js';
import { ImageTree } from './image-tree.js';
import { squashLayers, type LayerSource } from './layer-pass.js';
import { resolveOciLayout } from './layout.js';
import type { ImageArchiveKind } from './sniff.js';

export { sniffImageArchive, type ImageArchiveKind } from './sniff.js';

export interface ImageArchiveSpec {
  kind: ImageArchiveKind;
  path: string;
}

export interface OpenImageOptions {
  /** "os/arch[/variant]"; default linux/amd64, else the only platform present. */
  platform?: string;
  /** Whether the bytes of the file at this absolute in-tree path should be kept while streaming. */
  /** Which files to keep while streaming: by path, permission bits and size. */
  interest: (path: string, mode: number, size: number) => boolean;
  limits: SourceLimits;
  /** A private folder the caller creates and removes; everything written goes inside it. */
  tempDir: string;
  /** Blob bytes streamed so far, of all layers. */
  onProgress?: (done: number, total: number) => void;
}

export interface OpenedImage {
  tree: FileTree;
  target: Extract<TargetDescription, { kind: ImageArchiveKind }>;
  warnings: Warning[];
}

async function archiveFiles(spec: ImageArchiveSpec, tempDir: string): Promise<ArchiveFiles> {
  let info;
  try {
    info = await stat(spec.path);
  } catch (error) {
    throw hostError(spec.path, error);
  }
  if (spec.kind === 'oci-dir') {
    if (!info.isDirectory()) throw new VigilError('TARGET_UNRECOGNISED', `${spec.path} is not a folder, so it cannot be an OCI layout (oci-dir)`);
    return folderFiles(spec.path);
  }
  if (!info.isFile()) throw new VigilError('TARGET_UNRECOGNISED', `${spec.path} is not a file, so it cannot be a ${spec.kind}`);
  return tarFiles(spec.path, tempDir);
}

export async function openImageArchive(spec: ImageArchiveSpec, options: OpenImageOptions): Promise<OpenedImage> {
  const warnings: Warning[] = [];
  const files = await archiveFiles(spec, options.tempDir);
  const image =
    spec.kind === 'docker-archive'
      ? await resolveDockerArchive(files, options.platform, warnings)
      : await resolveOciLayout(files, options.platform, warnings);
  const layers: LayerSource[] = image.layers.map((blob) => ({
    blob,
    ref: {
      index: blob.index,
      // A docker-archive layer whose name tells no digest gets the digest it hashes to once read.
      digest: blob.digest ?? '',
      ...(blob.diffId ? { diffId: blob.diffId } : {}),
    },
    open: () => files.open(blob.file),
    label: `${files.label} layer ${blob.index} (${blob.digest ?? blob.file})`,
  }));
  const store = new ContentStore(options.tempDir, options.limits.maxExtractBytes);
  const squashed = await squashLayers(layers, {
    interest: options.interest,
    limits: options.limits,
    store,
    warnings,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const tree = new ImageTree(squashed, new Map(layers.map((layer) => [layer.ref.index, layer])), options.limits, store);
  return {
    tree,
    target: {
      kind: spec.kind,
      name: image.tags[0] ?? '',
      path: spec.path,
      manifestDigest: image.manifestDigest,
      imageId: image.imageId,
      platform: image.platform,
      layers: layers.map((layer) => layer.ref),
      tags: image.tags,
    },
    warnings,
  };
}
