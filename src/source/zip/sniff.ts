/** @module Recognises a zip archive by its first bytes. */
import { open } from 'node:fs/promises';

/** A local file header ("PK\x03\x04"): the first entry of an ordinary archive. */
const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** An end of central directory record ("PK\x05\x06") at the very start: an archive with no entries. */
const EMPTY_ARCHIVE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/** The first four bytes of a file, or fewer when it is shorter; undefined when it cannot be read. */
async function readMagic(path: string): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
    if (!(await handle.stat()).isFile()) return undefined;
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/**
 * Whether a path is a zip archive (jar, war, wheel and function packages included). Archives
 * behind a stub (self-extractors) are not recognised; `zip:PATH` opens them.
 */
export async function sniffZip(path: string): Promise<boolean> {
  const magic = await readMagic(path);
  return magic !== undefined && (magic.equals(LOCAL_HEADER) || magic.equals(EMPTY_ARCHIVE));
}
