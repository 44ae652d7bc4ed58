/** @module Recognises a zip archive by its first bytes. */
import { stat } from 'node:fs/promises';
import { isZip, readFileHead } from '../../archive/file-head.js';

/** The first four bytes of a regular file; undefined when it is not one or cannot be read. */
async function readMagic(path: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readFileHead(path, 4);
  } catch {
    return undefined;
  }
}

/**
 * Whether a path is a zip archive (jar, war, wheel and function packages included). Archives
 * behind a stub (self-extractors) are not recognised; `zip:PATH` opens them.
 */
export async function sniffZip(path: string): Promise<boolean> {
  const magic = await readMagic(path);
  return magic !== undefined && isZip(magic);
}
