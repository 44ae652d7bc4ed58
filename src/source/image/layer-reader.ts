/**
 * @module Streams one layer blob: detects its compression by magic bytes (gzip, zstd or none),
 * decompresses it, checks the blob and uncompressed digests and hands each tar entry to a callback.
 * @see https://github.com/opencontainers/image-spec/blob/main/layer.md
 */
import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import tar from 'tar-stream';
import { VigilError } from '../../errors.js';
import { digestAlgorithm } from './blobs.js';

/** One tar entry of a layer: its header and its bytes, to be read or drained before the next. */
export interface LayerEntry extends AsyncIterable<Buffer> {
  header: tar.Header;
}

export type LayerCompression = 'none' | 'gzip' | 'zstd' | 'bzip2' | 'xz';

export function detectCompression(head: Buffer): LayerCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\0') return 'xz';
  return 'none';
}

/** A zstd decompressing transform over fzstd's streaming decoder (pure JavaScript). */
export function createZstdDecompress(): Transform {
  let decoder: ZstdDecompress;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        decoder.push(chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        decoder.push(new Uint8Array(0), true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  decoder = new ZstdDecompress((data) => {
    // The decoder may reuse its buffers: copy before passing the bytes on.
    if (data.length > 0) transform.push(Buffer.from(data));
  });
  return transform;
}

export interface ReadLayerOptions {
  /** Names the layer in messages ("image.tar layer 2"). */
  label: string;
  /** Expected digest of the blob as stored; checked when the whole blob was read. */
  digest?: string;
  /** Expected digest of the uncompressed tar (diff_id). */
  diffId?: string;
  /** Stop after this many uncompressed bytes. */
  maxBytes: number;
  /** Called with the number of blob bytes read since the last call. */
  onBlobBytes?: (bytes: number) => void;
}

export type ReadLayerResult =
  | { status: 'read'; compression: LayerCompression; digest: string; diffId: string }
  /** The uncompressed layer went past maxBytes: entries after that point were not seen. */
  | { status: 'too-large'; compression: LayerCompression; bytesRead: number }
  | { status: 'unsupported'; compression: LayerCompression };

class LayerTooLarge extends Error {}

/** Wraps an error thrown by the entry callback so it is not mistaken for damage in the layer. */
class EntryCallbackError extends Error {
  constructor(readonly inner: unknown) {
    super('entry callback failed');
  }
}

/** Reads the first bytes of a stream and gives back a stream of the whole. */
async function peek(source: Readable, length: number): Promise<{ head: Buffer; whole: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < length) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    have += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* whole(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, whole: Readable.from(whole(), { objectMode: false }) };
}

/**
 * Streams a layer blob once, calling `onEntry` for every tar entry in order. `onEntry` must
 * consume or drain the entry's stream before it resolves.
 */
export async function readLayer(
  blob: Readable,
  options: ReadLayerOptions,
  onEntry: (entry: LayerEntry) => Promise<void>,
): Promise<ReadLayerResult> {
  const damaged = (error: unknown) =>
    new VigilError('TARGET_CORRUPT', `${options.label} is damaged: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  let head: Buffer;
  let whole: Readable;
  try {
    ({ head, whole } = await peek(blob, 6));
  } catch (error) {
    blob.destroy();
    throw damaged(error);
  }
  const compression = detectCompression(head);
  if (compression === 'bzip2' || compression === 'xz') {
    whole.destroy();
    blob.destroy();
    return { status: 'unsupported', compression };
  }
  const blobHash = createHash(options.digest ? digestAlgorithm(options.digest) : 'sha256');
  const diffHash = createHash(options.diffId ? digestAlgorithm(options.diffId) : 'sha256');
  let uncompressed = 0;
  const countBlob = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      blobHash.update(chunk);
      options.onBlobBytes?.(chunk.length);
      yield chunk;
    }
  };
  const countTar = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      if (uncompressed + chunk.length > options.maxBytes) {
        // Let the entries that end before the limit through, then stop.
        const allowed = chunk.subarray(0, options.maxBytes - uncompressed);
        uncompressed += allowed.length;
        if (allowed.length > 0) yield allowed;
        throw new LayerTooLarge();
      }
      uncompressed += chunk.length;
      diffHash.update(chunk);
      yield chunk;
    }
  };
  const extract = tar.extract();
  const stages: NodeJS.ReadWriteStream[] = [];
  if (compression === 'gzip') stages.push(createGunzip());
  else if (compression === 'zstd') stages.push(createZstdDecompress());
  const piping = (pipeline as (...streams: unknown[]) => Promise<void>)(whole, countBlob, ...stages, countTar, extract);
  piping.catch(() => undefined);
  try {
    for await (const entry of extract) {
      try {
        await onEntry(entry as unknown as LayerEntry);
      } catch (error) {
        throw new EntryCallbackError(error);
      }
    }
    await piping;
  } catch (error) {
    whole.destroy();
    blob.destroy();
    // An entry callback cut short by the layer limit fails too: the limit is the cause.
    const piped = error instanceof LayerTooLarge ? error : await piping.then(() => undefined, (reason: unknown) => reason);
    if (piped instanceof LayerTooLarge) return { status: 'too-large', compression, bytesRead: uncompressed };
    if (error instanceof EntryCallbackError) throw error.inner;
    const cause = piped ?? error;
    if (cause instanceof VigilError) throw cause;
    throw damaged(cause);
  }
  const digest = `${options.digest ? digestAlgorithm(options.digest) : 'sha256'}:${blobHash.digest('hex')}`;
  const diffId = `${options.diffId ? digestAlgorithm(options.diffId) : 'sha256'}:${diffHash.digest('hex')}`;
  if (options.digest && digest !== options.digest) {
    throw new VigilError('TARGET_CORRUPT', `${options.label} does not match its digest ${options.digest} (it hashes to ${digest})`);
  }
  if (options.diffId && diffId !== options.diffId) {
    throw new VigilError('TARGET_CORRUPT', `${options.label} does not match its diff_id ${options.diffId} (its uncompressed tar hashes to ${diffId})`);
  }
  return { status: 'read', compression, digest, diffId };
}
