/**
 * @module File helpers the feed readers share: errors for paths that cannot be read at all,
 * capped reads, and a look at a file's first bytes.
 */
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { VigilError } from '../errors.js';

export { isGzip, isZip, readFileHead as readHead } from '../archive/file-head.js';

/** Stats a feed path; a path that is missing or unreadable becomes a VigilError. */
export async function statFeedPath(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    throw feedPathError(path, error);
  }
}

export function feedPathError(path: string, error: unknown): VigilError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new VigilError('TARGET_NOT_FOUND', `${path}: no such file or folder`, { cause: error });
  }
  return new VigilError('TARGET_UNREADABLE', `${path}: cannot be read (${code ?? String(error)})`, { cause: error });
}




/**
 * The start of a gzip stream's content, from its first compressed bytes `head` (a truncated stream
 * is expected, so it is flushed rather than finished). Keep `head` small: a few KB.
 */
export function gunzipHead(head: Buffer, maxOutput: number): Buffer {
  try {
    return gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).subarray(0, maxOutput);
  } catch {
    return Buffer.alloc(0);
  }
}

/** Megabytes, for messages. */
export function mb(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024 / 1024)} MB`;
}
