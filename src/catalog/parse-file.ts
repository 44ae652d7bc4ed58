/**
 * @module One file handed to catalogers: the CatalogFile over a tree's file, and one parser's run
 * on it with its warnings and skipped records gathered. Used by the catalog driver, on the main
 * thread or on a parsing worker.
 */
import { posix } from 'node:path';
import type { Distro } from '../model/distro.js';
import type { ParsedPackage } from '../model/package.js';
import type { Warning } from '../model/warning.js';
import { checkByteRange, clippedLength, FileTooLargeError, type FileRef, type FileTree } from '../source/file-tree.js';
import { normalizeTreePath } from '../source/tree-path.js';
import { describeError } from '../errors.js';
import type { CatalogContext, CatalogFile, Cataloger } from './cataloger.js';
import { findFiles } from './patterns.js';

/** Ranges up to this size are kept once read, for the other catalogers handed the same file. */
const SHARED_RANGE_BYTES = 64 * 1024;
/** At most this much of one file is kept that way. */
const SHARED_RANGES_TOTAL = 1024 * 1024;

export function catalogFile(tree: FileTree, file: FileRef): CatalogFile {
  /** A path or pattern taken from the file's folder unless absolute. */
  const besideFile = (path: string) => (path.startsWith('/') ? path : `${posix.dirname(file.realPath)}/${path}`);
  let bytes: Promise<Buffer> | undefined;
  const read = () => (bytes ??= tree.readFile(file));
  // Both binary catalogers read an executable's header and tables: the second reads them here.
  const shared = new Map<string, Promise<Buffer>>();
  let sharedBytes = 0;
  return {
    path: file.realPath,
    size: file.size,
    read,
    readRange(offset, length, into) {
      if (bytes) {
        checkByteRange(file.realPath, offset, length);
        return bytes.then((whole) => whole.subarray(offset, offset + clippedLength(whole.length, offset, length)));
      }
      // A range read into the caller's buffer is the caller's alone: never kept for others.
      if (into || length > SHARED_RANGE_BYTES) return tree.readRange(file, offset, length, into);
      const key = `${offset}:${length}`;
      let range = shared.get(key);
      if (!range) {
        range = tree.readRange(file, offset, length);
        if (sharedBytes + length <= SHARED_RANGES_TOTAL) {
          sharedBytes += length;
          shared.set(key, range);
          range.catch(() => shared.delete(key));
        }
      }
      return range;
    },
    text: async () => (await read()).toString('utf8'),
    localPath: () => tree.localPath(file),
    async open(path) {
      const other = await tree.lookup(normalizeTreePath(besideFile(path)));
      return other ? catalogFile(tree, other) : undefined;
    },
    async find(pattern) {
      return (await findFiles(tree, besideFile(pattern))).map((found) => catalogFile(tree, found));
    },
  };
}

export interface FileOutcome {
  packages: ParsedPackage[];
  warnings: Warning[];
}

export async function parseFile(
  tree: FileTree,
  cataloger: Cataloger,
  file: FileRef,
  distro: Distro | undefined,
  input: CatalogFile = catalogFile(tree, file),
): Promise<FileOutcome> {
  const warnings: Warning[] = [];
  const skipped: string[] = [];
  const ctx: CatalogContext = {
    ...(distro ? { distro } : {}),
    skip: (reason) => void skipped.push(reason),
    warn: (code, message) => void warnings.push({ code, message: `${cataloger.name}: ${message}`, path: file.realPath }),
  };
  let packages: ParsedPackage[] = [];
  try {
    packages = await cataloger.parse(input, ctx);
  } catch (error) {
    if (error instanceof FileTooLargeError) {
      warnings.push({
        code: 'FILE_TOO_LARGE',
        message: `${cataloger.name}: skipped ${file.realPath}: ${error.message}`,
        path: file.realPath,
      });
    } else {
      warnings.push({
        code: 'CATALOGER_FAILED',
        message: `${cataloger.name}: could not read ${file.realPath}: ${describeError(error)}`,
        path: file.realPath,
      });
    }
  }
  if (skipped.length > 0) {
    warnings.push({
      code: 'MALFORMED_RECORD',
      message: `${cataloger.name}: skipped ${skipped.length} malformed record${skipped.length === 1 ? '' : 's'} in ${file.realPath} (first: ${skipped[0]})`,
      path: file.realPath,
      count: skipped.length,
    });
  }
  return { packages, warnings };
}

