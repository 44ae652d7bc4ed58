/**
 * @module The single pass over an image's layers: streams each layer once, in order, into the
 * squashed tree, and keeps the bytes of the files the caller is interested in.
 */
import type { Readable } from 'node:stream';
import type tar from 'tar-stream';
import type { LayerRef } from '../../model/package.js';
import type { Warning } from '../../model/warning.js';
import type { SourceLimits } from '../file-tree.js';
import type { ContentStore } from './content-store.js';
import { readLayer, type LayerEntry, type ReadLayerResult } from './layer-reader.js';
import type { ImageLayerBlob } from './resolved-image.js';
import { classifyEntryName, SquashTree, type NodeKind } from './squash-tree.js';

/** A layer to stream: where its blob is and the LayerRef its files will carry. */
export interface LayerSource {
  blob: ImageLayerBlob;
  ref: LayerRef;
  open(): Readable;
  /** Names the layer in messages. */
  label: string;
}

export interface LayerPassOptions {
  /** Which files to keep while streaming: by path, permission bits and size. */
  interest: (path: string, mode: number, size: number) => boolean;
  limits: SourceLimits;
  store: ContentStore;
  warnings: Warning[];
  onProgress?: (done: number, total: number) => void;
}

function entryKind(type: tar.Header['type'] | undefined | null): NodeKind {
  switch (type) {
    case 'file':
    case 'contiguous-file':
    case undefined:
    case null:
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

async function drain(entry: AsyncIterable<Buffer>): Promise<void> {
  for await (const _chunk of entry) {
    // Discarded: only the tree facts of this entry are needed.
  }
}

function layerOptions(source: LayerSource, maxBytes: number, onBlobBytes?: (bytes: number) => void) {
  return {
    label: source.label,
    maxBytes,
    ...(source.blob.digest ? { digest: source.blob.digest } : {}),
    ...(source.blob.diffId ? { diffId: source.blob.diffId } : {}),
    ...(onBlobBytes ? { onBlobBytes } : {}),
  };
}

/** Streams every layer once into a new squashed tree. */
export async function squashLayers(layers: readonly LayerSource[], options: LayerPassOptions): Promise<SquashTree> {
  const tree = new SquashTree();
  const { limits, store, warnings } = options;
  const total = layers.reduce((sum, layer) => sum + (layer.blob.size ?? 0), 0);
  let done = 0;
  let reported = 0;
  const report = (force: boolean) => {
    if (!options.onProgress || (!force && done - reported < 4 * 1024 * 1024)) return;
    reported = done;
    options.onProgress(done, total);
  };
  report(true);
  let extractLimitWarned = false;
  /** Blob bytes of the layers already finished, so progress is exact even when a layer stops early. */
  let finished = 0;

  for (const layer of layers) {
    const index = layer.ref.index;
    if (layer.blob.size !== undefined && layer.blob.size > limits.maxLayerBytes) {
      warnings.push({
        code: 'LAYER_TOO_LARGE',
        message: `${layer.label} is ${layer.blob.size} bytes, over the ${limits.maxLayerBytes}-byte layer limit; its files are left out`,
      });
      finished += layer.blob.size;
      done = finished;
      report(true);
      continue;
    }
    const escapes: string[] = [];
    const dangling: string[] = [];
    const onEntry = async (entry: LayerEntry): Promise<void> => {
      const header = entry.header;
      const name = classifyEntryName(header.name);
      switch (name.type) {
        case 'escape':
          escapes.push(header.name);
          return drain(entry);
        case 'whiteout':
          tree.whiteout(name.dir, name.name, index);
          return drain(entry);
        case 'opaque':
          tree.opaque(name.dir, index);
          return drain(entry);
        case 'root':
          return drain(entry);
      }
      const kind = entryKind(header.type);
      const path = '/' + name.segments.join('/');
      const size = header.size ?? 0;
      // The bytes are read before the entry is applied, so an entry cut short (the layer limit,
      // a damaged layer) never reaches the tree.
      let localPath: string | undefined;
      if (kind === 'file' && size <= limits.maxFileBytes && options.interest(path, (header.mode ?? 0) & 0o7777, size)) {
        if (store.reserve(size)) localPath = await store.write(entry);
        else if (!extractLimitWarned) {
          extractLimitWarned = true;
          warnings.push({
            code: 'EXTRACT_LIMIT',
            message: `the ${limits.maxExtractBytes}-byte extraction limit was reached; files from here on are read again from their layer when asked for`,
            path,
          });
        }
      }
      if (localPath === undefined) await drain(entry);
      const result = tree.apply(
        name.segments,
        { kind, mode: header.mode ?? 0o644, size, ...(header.linkname ? { linkName: header.linkname } : {}) },
        index,
      );
      if (result.status === 'escape') escapes.push(`${header.name} -> ${header.linkname ?? ''}`);
      else if (result.status === 'dangling-link') dangling.push(path);
      if (result.status === 'applied' && result.version && localPath !== undefined) result.version.localPath = localPath;
    };

    const result: ReadLayerResult = await readLayer(
      layer.open(),
      layerOptions(layer, limits.maxLayerBytes, (bytes) => {
        done += bytes;
        report(false);
      }),
      onEntry,
    );
    if (escapes.length > 0) {
      warnings.push({
        code: 'UNSAFE_PATH',
        message: `${layer.label} has ${escapes.length} entr${escapes.length === 1 ? 'y' : 'ies'} leading outside the image root (first: ${escapes[0]}); ignored`,
        path: escapes[0]!,
        count: escapes.length,
      });
    }
    if (dangling.length > 0) {
      warnings.push({
        code: 'DANGLING_HARD_LINK',
        message: `${layer.label} has ${dangling.length} hard link${dangling.length === 1 ? '' : 's'} to files that are not there (first: ${dangling[0]}); left out`,
        path: dangling[0]!,
        count: dangling.length,
      });
    }
    if (result.status === 'too-large') {
      warnings.push({
        code: 'LAYER_TOO_LARGE',
        message: `${layer.label} unpacks to more than the ${limits.maxLayerBytes}-byte layer limit; only its first ${result.bytesRead} bytes were read`,
      });
    } else if (result.status === 'unsupported') {
      warnings.push({ code: 'LAYER_UNSUPPORTED', message: `${layer.label} is ${result.compression}-compressed, which Vigil cannot read; its files are left out` });
    } else {
      // A docker-archive's layer file name may not tell its digest: the digest read is the one.
      layer.ref.digest ||= result.digest;
      layer.ref.diffId ??= result.diffId;
    }
    finished += layer.blob.size ?? 0;
    done = Math.max(done, finished);
    report(true);
  }
  return tree;
}

/**
 * Streams one layer again and hands the last regular-file entry at `entryPath` to `sink`
 * (the fallback for a file whose bytes the first pass did not keep).
 */
export async function extractLayerEntry<T>(
  layer: LayerSource,
  entryPath: string,
  limits: SourceLimits,
  sink: (stream: AsyncIterable<Buffer>) => Promise<T>,
): Promise<T | undefined> {
  let found: T | undefined;
  const result = await readLayer(layer.open(), layerOptions(layer, limits.maxLayerBytes), async (entry) => {
    const name = classifyEntryName(entry.header.name);
    if (name.type === 'path' && entryKind(entry.header.type) === 'file' && name.segments.join('/') === entryPath) {
      found = await sink(entry);
      await drain(entry);
      return;
    }
    await drain(entry);
  });
  return result.status === 'unsupported' ? undefined : found;
}
