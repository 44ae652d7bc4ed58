/**
 * Reads of one file on the local disk: a directory target's file, a single-file target, or a
 * copy kept in the private temporary folder. The file is opened without following a link in its
 * last segment (the tree has resolved every link already, so one there now was put there since)
 * and sized on the open descriptor, so the limit and the clipping judge the bytes actually read.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { clippedLength, FileTooLargeError } from './file-tree.js';

/** What a read may take: the tree path for messages, and the file limit when one applies. */
export interface HostReadLimit {
  path: string;
  maxFileBytes?: number;
  /** The file was named by the user (a single-file target), so a link to it is what they meant. */
  followLink?: boolean;
}

/**
 * Synchronous on purpose: package files are small local reads, where the thread-pool round trips
 * of the promise API cost more than the reads.
 */
function withHostFile<T>(hostPath: string, limit: HostReadLimit, read: (fd: number, size: number) => T): T {
  const fd = openSync(hostPath, limit.followLink ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw Object.assign(new Error(`${limit.path} is no longer a regular file`), { code: 'EINVAL' });
    // The file may have grown since it was looked up: the limit judges it as it is now.
    if (limit.maxFileBytes !== undefined && info.size > limit.maxFileBytes) throw new FileTooLargeError(limit.path, info.size, limit.maxFileBytes);
    return read(fd, info.size);
  } finally {
    closeSync(fd);
  }
}

export function readHostFile(hostPath: string, limit: HostReadLimit): Buffer {
  return withHostFile(hostPath, limit, (fd) => readFileSync(fd));
}

/**
 * Up to `length` bytes from `offset` (arguments checked by the caller), clipped to the file; read
 * into `into` when it is large enough.
 */
export function readHostRange(hostPath: string, offset: number, length: number, limit: HostReadLimit, into?: Buffer): Buffer {
  return withHostFile(hostPath, limit, (fd, size) => {
    const wanted = clippedLength(size, offset, length);
    const buffer = into && into.length >= wanted ? into.subarray(0, wanted) : Buffer.allocUnsafe(wanted);
    let filled = 0;
    while (filled < wanted) {
      const bytesRead = readSync(fd, buffer, filled, wanted - filled, offset + filled);
      if (bytesRead === 0) break; // shrunk since fstat
      filled += bytesRead;
    }
    return filled === wanted ? buffer : buffer.subarray(0, filled);
  });
}
