/**
 * Bytes read a range at a time — a file of the target, or bytes already in memory — so a parser
 * of a large file (an executable, a jar) reads the parts it needs rather than all of it.
 */

export interface RandomAccessBytes {
  /** How many bytes there are. */
  readonly size: number;
  /**
   * Up to `length` bytes from `offset`: fewer where the bytes end first, none at or past the
   * end. Offset and length are whole numbers from 0 up. `into`, when given and large enough, may
   * be read into (the result is then a view of it, valid until `into` is reused).
   */
  readRange(offset: number, length: number, into?: Buffer): Promise<Buffer>;
}

/** Bytes already in memory, read in ranges like a file (the ranges share their memory). */
export function bufferBytes(bytes: Buffer): RandomAccessBytes {
  return {
    size: bytes.length,
    async readRange(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new RangeError(`cannot read ${length} bytes at ${offset}: not whole numbers from 0 up`);
      }
      return bytes.subarray(offset, offset + Math.max(0, Math.min(length, bytes.length - offset)));
    },
  };
}

/**
 * The bytes in order, `chunkBytes` at a time, for hashing a large file in bounded memory: each
 * chunk is read into the same buffer, so it is valid only until the next one is asked for.
 */
export async function* chunksOf(bytes: RandomAccessBytes, chunkBytes: number): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(chunkBytes, bytes.size)));
  for (let offset = 0; offset < bytes.size; ) {
    const chunk = await bytes.readRange(offset, Math.min(chunkBytes, bytes.size - offset), buffer);
    // A file that shrank while it was read ends where its bytes end.
    if (chunk.length === 0) return;
    yield chunk;
    offset += chunk.length;
  }
}
