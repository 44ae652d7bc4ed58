/**
 * Reads of files on the local disk: a directory target's files, a single-file target, or copies
 * kept in the private temporary folder. A file is opened without following a link in its last
 * segment (the tree has resolved every link already, so one there now was put there since), and
 * without blocking should a FIFO have taken its place; it is sized on the open descriptor, so the
 * limit and the clipping judge the bytes actually read.
 *
 * Synchronous on purpose: package files are small local reads, where the thread-pool round trips
 * of the promise API cost more than the reads.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { clippedLength, FileTooLargeError } from './file-tree.js';

/** What a read may take: the tree path for messages, and the file limit when one applies. */
export interface HostReadLimit {
  path: string;
  maxFileBytes?: number;
}

export interface HostReadOptions {
  /** The file was named by the user (a single-file target), so a link to it is what they meant. */
  followLink?: boolean;
}

function openHostFile(hostPath: string, path: string, options: HostReadOptions): { fd: number; size: number } {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.followLink ? 0 : constants.O_NOFOLLOW);
  const fd = openSync(hostPath, flags);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw Object.assign(new Error(`${path} is no longer a regular file`), { code: 'EINVAL' });
    return { fd, size: info.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function checkLimit(limit: HostReadLimit, size: number): void {
  // The file may have grown since it was looked up: the limit judges it as it is now.
  if (limit.maxFileBytes !== undefined && size > limit.maxFileBytes) throw new FileTooLargeError(limit.path, size, limit.maxFileBytes);
}

/** A whole file. */
export function readHostFile(hostPath: string, limit: HostReadLimit, options: HostReadOptions = {}): Buffer {
  const { fd, size } = openHostFile(hostPath, limit.path, options);
  try {
    checkLimit(limit, size);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A whole file's digest (hex) and the bytes it covers, read through one reused buffer so memory
 * stays flat whatever the file's size.
 */
export function digestHostFile(hostPath: string, algorithm: string, path: string, buffer: Buffer): { digest: string; size: number } {
  const { fd } = openHostFile(hostPath, path, {});
  try {
    const hash = createHash(algorithm);
    let size = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, size);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { digest: hash.digest('hex'), size };
  } finally {
    closeSync(fd);
  }
}

/** Descriptors kept open at once: the catalog driver reads two files in turn (one parsed ahead). */
const OPEN_FILES = 4;

/**
 * Ranged reads through descriptors kept open for the files read last. A parser reads a file's
 * ranges one after another (an executable's header, tables and a section; a jar's directory, its
 * entries), so each range after the first costs one read rather than an open, a stat and a
 * close; and the ranges of one file all come from the same file, even should it be replaced
 * meanwhile. close() lets them all go.
 */
export class HostRangeReader {
  /** Open files, the one read last at the end. */
  private readonly open: Array<{ hostPath: string; fd: number; size: number }> = [];

  constructor(private readonly options: HostReadOptions = {}) {}

  private file(hostPath: string, path: string): { fd: number; size: number } {
    const index = this.open.findIndex((file) => file.hostPath === hostPath);
    if (index !== -1) {
      const [file] = this.open.splice(index, 1);
      this.open.push(file!);
      return file!;
    }
    if (this.open.length >= OPEN_FILES) closeSync(this.open.shift()!.fd);
    const file = { hostPath, ...openHostFile(hostPath, path, this.options) };
    this.open.push(file);
    return file;
  }

  private forget(hostPath: string): void {
    const index = this.open.findIndex((file) => file.hostPath === hostPath);
    if (index !== -1) closeSync(this.open.splice(index, 1)[0]!.fd);
  }

  /**
   * Up to `length` bytes from `offset` (arguments checked by the caller), clipped to the file;
   * read into `into` when it is large enough.
   */
  read(hostPath: string, offset: number, length: number, limit: HostReadLimit, into?: Buffer): Buffer {
    const { fd, size } = this.file(hostPath, limit.path);
    try {
      checkLimit(limit, size);
    } catch (error) {
      // A file refused is not kept open: if it is asked for again, it is judged again.
      this.forget(hostPath);
      throw error;
    }
    const wanted = clippedLength(size, offset, length);
    const buffer = into && into.length >= wanted ? into.subarray(0, wanted) : Buffer.allocUnsafe(wanted);
    let filled = 0;
    while (filled < wanted) {
      const bytesRead = readSync(fd, buffer, filled, wanted - filled, offset + filled);
      if (bytesRead === 0) break; // shrunk since it was opened
      filled += bytesRead;
    }
    return filled === wanted ? buffer : buffer.subarray(0, filled);
  }

  close(): void {
    for (const { fd } of this.open.splice(0)) closeSync(fd);
  }
}
