/**
 * The SHA-1 of a Java archive, which the cataloger reports with every package found in it. It
 * needs every byte, so it is taken only for archives that hold a package (see parse-archive.ts:
 * of the 266 jars under this host's /usr/lib, 42 hold none, and they are 182 of its 306 MB). A file
 * with a path on the local disk is hashed from there through one reused buffer; anything else
 * (or a path that no longer holds the file) is streamed through the hash in chunks. Either way
 * memory stays bounded whatever the archive's size.
 */
import { createHash } from 'node:crypto';
import { digestHostFile } from '../../source/host-file.js';
import type { CatalogFile } from '../cataloger.js';
import { chunksOf, type RandomAccessBytes } from '../random-access-bytes.js';

/** Bytes hashed per read: large enough that reads cost little, small enough to stay out of the way. */
const HASH_CHUNK_BYTES = 1024 * 1024;

/** The SHA-1 of all the bytes, read through the hash in chunks. */
export async function sha1OfBytes(bytes: RandomAccessBytes): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of chunksOf(bytes, HASH_CHUNK_BYTES)) hash.update(chunk);
  return hash.digest('hex');
}

/** The one buffer local files are read through (a hash is taken synchronously, one at a time). */
let hashBuffer: Buffer | undefined;

/**
 * The SHA-1 of a file of the target: from its path on the local disk, opened as the sources open
 * files (no link followed in the last segment, no waiting on a FIFO), when that path holds as
 * many bytes as the file has; otherwise by ranges.
 */
export async function sha1OfFile(file: RandomAccessBytes & Pick<CatalogFile, 'localPath'>): Promise<string> {
  let path: string | undefined;
  try {
    path = await file.localPath();
  } catch {
    path = undefined; // not on the disk, nor to be put there (an image over its extraction budget)
  }
  if (path !== undefined) {
    try {
      const hashed = digestHostFile(path, 'sha1', path, (hashBuffer ??= Buffer.allocUnsafe(HASH_CHUNK_BYTES)));
      if (hashed.size === file.size) return hashed.digest;
    } catch {
      // unreadable there now: read by ranges, which report the error if it is the file's own
    }
  }
  return sha1OfBytes(file);
}
