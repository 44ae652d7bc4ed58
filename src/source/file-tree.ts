/**
 * @module The read-only file tree every source presents to the catalogers.
 *
 * Paths are absolute inside the target ("/var/lib/dpkg/status"), always with forward slashes,
 * never leading outside the target root: symbolic links are resolved as if the target were
 * chroot'ed, so "/etc/x -> ../../../../etc/passwd" resolves to the target's own /etc/passwd.
 */
import type { LayerRef } from '../model/package.js';

export type FileKind = 'file' | 'directory' | 'symlink' | 'other';

/** A regular file found in the tree, after following any links. */
export interface FileRef {
  /** The path that was asked for. */
  path: string;
  /** The path of the file itself once links are resolved (equal to `path` when no link was crossed). */
  realPath: string;
  size: number;
  /** The layer that wrote this version of the file (image sources only). */
  layer?: LayerRef;
}

export interface DirEntry {
  name: string;
  kind: FileKind;
}

/**
 * One entry met during a walk; links are reported as links, never followed. `size` and `mode`
 * may be computed on first read (a directory walk then stats only the files someone asks about).
 */
export interface WalkEntry {
  /** Absolute path in the tree. */
  readonly path: string;
  readonly kind: FileKind;
  /** Bytes, for regular files (0 for the rest). */
  readonly size: number;
  /** Permission bits (mode & 0o7777). */
  readonly mode: number;
  /**
   * For a regular file, what lookup(path) would answer, when the walk knows it without resolving
   * the path again (a directory walk crosses no link, so the path is the file's own). Absent when
   * the tree cannot tell; callers then look the path up.
   */
  fileRef?(): FileRef | undefined;
}

export interface WalkOptions {
  /** Directory trees only: descend into other mounted file systems too (off: like `find -xdev`). */
  crossMounts?: boolean;
}

/** What a walk visitor answers for a directory: 'skip' leaves its contents out. */
export type WalkDecision = void | 'skip';

/** Byte limits that keep a hostile or huge target from exhausting memory or disk. */
export interface SourceLimits {
  /** Largest single file a cataloger may read; bigger ones are skipped with a warning. */
  maxFileBytes: number;
  /** Largest image layer (uncompressed) that is read; bigger ones are skipped with a warning. */
  maxLayerBytes: number;
  /** Most bytes the source may extract to its temporary folder in total. */
  maxExtractBytes: number;
}

export const defaultSourceLimits: SourceLimits = {
  maxFileBytes: 512 * 1024 * 1024,
  maxLayerBytes: 16 * 1024 * 1024 * 1024,
  maxExtractBytes: 8 * 1024 * 1024 * 1024,
};

export interface FileTree {
  /** Resolves a path to a regular file, following links inside the tree; undefined when absent. */
  lookup(path: string): Promise<FileRef | undefined>;
  /** Lists a directory (following links to it); undefined when it is not a directory. */
  readDir(path: string): Promise<DirEntry[] | undefined>;
  /** Reads a whole file. Throws FileTooLargeError beyond the limit. */
  readFile(file: FileRef): Promise<Buffer>;
  /**
   * Reads at most `length` bytes from the start of a file, to recognise it by content. Unlike
   * readFile and readRange it reads files over the limit too: a few bytes say what a file is,
   * and the cataloger that then reads it is the one that warns it is too large.
   */
  readHead(file: FileRef, length: number): Promise<Buffer>;
  /**
   * Reads up to `length` bytes from `offset`: fewer where the file ends first, none at or past
   * its end. For parsers that need a few parts of a large file (an executable's tables and one
   * section, a zip's central directory and a few entries) without holding all of it. The file
   * limit applies as for readFile: a file over it is not read in part either. Throws a
   * RangeError for an offset or length that is negative, fractional or not a safe integer.
   * `into`, when given and large enough, may be read into (the result is then a view of it), so
   * a caller reading a whole file in order (to hash it) reuses one buffer rather than allocating
   * fresh memory for every chunk.
   */
  readRange(file: FileRef, offset: number, length: number, into?: Buffer): Promise<Buffer>;
  /**
   * Visits every entry below `root` (itself resolved through links), depth first, without
   * following symbolic links, so a walk can neither loop nor leave the region it was given.
   */
  walk(root: string, visit: (entry: WalkEntry) => WalkDecision, options?: WalkOptions): Promise<void>;
  /** A path on the local disk holding the file's bytes, for readers that need one (SQLite). */
  localPath(file: FileRef): Promise<string>;
  /**
   * Earlier versions of a file in a layered tree, oldest first, ending with `file` itself.
   * Plain directories have one version.
   */
  versions(file: FileRef): Promise<FileRef[]>;
  /** Releases temporary files and handles. Safe to call twice. */
  close(): Promise<void>;
}

/** A file the limits say not to read. */
export class FileTooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${path} is ${size} bytes, over the ${limit}-byte file limit`);
    this.name = 'FileTooLargeError';
  }
}

/** Throws a RangeError unless `offset` and `length` are usable byte counts. */
export function checkByteRange(path: string, offset: number, length: number): void {
  for (const [name, value] of [
    ['offset', offset],
    ['length', length],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`cannot read ${path}: the ${name} ${value} is not a whole number of bytes from 0 up`);
    }
  }
}

/** How many of `length` bytes from `offset` a file of `size` bytes holds. */
export function clippedLength(size: number, offset: number, length: number): number {
  return Math.max(0, Math.min(length, size - offset));
}
