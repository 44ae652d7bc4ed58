/**
 * @module What a cataloger is: the files it reads plus a parser that turns one file into packages.
 *
 * A cataloger never touches the file system: the catalog driver finds the files its patterns
 * name in the target's FileTree and hands each one over as a CatalogFile.
 */
import type { Distro } from '../model/distro.js';
import type { ParsedPackage } from '../model/package.js';
import type { RandomAccessBytes } from './random-access-bytes.js';

/**
 * One file handed to a parser. A parser of small text files reads it whole; a parser of large
 * binaries (executables, jars) reads the ranges it needs (`readRange`, from RandomAccessBytes),
 * so a gigabyte of programs is never held in memory to find a few kilobytes in each.
 */
export interface CatalogFile extends RandomAccessBytes {
  /** Absolute path in the target. */
  path: string;
  size: number;
  /** The whole file (throws FileTooLargeError over the file limit, as readRange does). */
  read(): Promise<Buffer>;
  text(): Promise<string>;
  /** A path on the local disk with the same bytes (for readers such as SQLite that need one). */
  localPath(): Promise<string>;
  /**
   * Opens another file of the same target, for formats that refer to files beside them
   * (requirements.txt's `-r other.txt`). A relative path is taken from this file's folder;
   * links are followed inside the target only. Undefined when there is no such regular file.
   */
  open(path: string): Promise<CatalogFile | undefined>;
  /**
   * The regular files of the same target a pattern names, as catalogers' patterns do (`*` within
   * a segment, `**` across segments), taken from this file's folder unless absolute; each once,
   * in a stable order (the package.json of each of a project's workspaces, for one).
   */
  find(pattern: string): Promise<CatalogFile[]>;
}

export interface CatalogContext {
  /** The target's operating system, when one was detected. */
  distro?: Distro;
  /**
   * Records one skipped malformed record. The driver folds all of a file's skips into one
   * warning that gives the count and the first reason.
   */
  skip(reason: string): void;
  /** A problem with the file as a whole (the file is still not fatal to the inventory). */
  warn(code: string, message: string): void;
}

/** A file offered to a content-sniffing cataloger: its path, and its mode and size on demand. */
export interface SniffCandidate {
  readonly path: string;
  /** Permission bits (mode & 0o7777). */
  readonly mode: number;
  readonly size: number;
}

export type CatalogParser = (
  file: CatalogFile,
  ctx: CatalogContext,
) => ParsedPackage[] | Promise<ParsedPackage[]>;

export interface Cataloger {
  /** Registry name; equals the folder name under src/catalog. */
  name: string;
  /** Bumped whenever the output for the same input changes. */
  version: number;
  /**
   * What its files record: packages `installed` (package databases, installed metadata, archives
   * and binaries: what is there to run) or only `declared` (lockfiles and manifests: what a build
   * would install). Images and root filesystems are built products, where declared files are
   * read only when asked for (take-inventory.ts): inside a product, a lockfile is most often one
   * of its sources' or vendored libraries', naming packages that are not installed.
   */
  reads: 'installed' | 'declared';
  /**
   * Absolute patterns of the files the cataloger reads, anchored at the target root.
   * `*` matches within one path segment; `**` matches any number of segments.
   */
  patterns: string[];
  /**
   * Files chosen by content rather than by name (executables, for build information embedded
   * in binaries). `candidate` decides from the path, mode and size alone which files are worth
   * opening; `test` then looks at their first `headerBytes` bytes. Every cataloger that
   * recognises a file is handed the same CatalogFile, whose small ranges are read once for all
   * of them (an executable's header and tables), one file after another. Reading `mode` or `size`
   * may cost a system call on a directory walk, so a candidate test that can reject a file by
   * its name should do so first.
   */
  sniff?: {
    headerBytes: number;
    candidate(file: SniffCandidate): boolean;
    test(header: Buffer, path: string): boolean;
  };
  parse: CatalogParser;
}

/** Declares a cataloger; exists so every module export is checked against the interface. */
export function defineCataloger(cataloger: Cataloger): Cataloger {
  return cataloger;
}
