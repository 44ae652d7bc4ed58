/**
 * @module Finds EGG-INFO/PKG-INFO inside a zipped .egg (setuptools' easy_install format) and
 * returns its text. The egg is read by ranges (see ranged-zip.ts): its central directory, then
 * only that one entry, and no more than a bounded number of bytes of it.
 * @see https://setuptools.pypa.io/en/latest/deprecated/python_eggs.html
 */
import type { CatalogContext } from '../cataloger.js';
import type { RandomAccessBytes } from '../random-access-bytes.js';
import { listArchiveEntries } from '../zip/read-archive.js';
import { RangedZip, ZipFormatError } from '../zip/ranged-zip.js';

/** PKG-INFO is a few KB; a larger entry is not one. */
const MAX_PKG_INFO_BYTES = 4 * 1024 * 1024;
/** Entries looked through (an egg of a large project has some thousands). */
const MAX_ENTRIES = 200_000;

export type EggReadResult = { text: string } | { missing: true } | { error: string };

/** The PKG-INFO of the egg `bytes`, named `display` in warnings about its entries. */
export async function readEggPkgInfo(bytes: RandomAccessBytes, display: string, ctx: CatalogContext): Promise<EggReadResult> {
  try {
    const zip = await RangedZip.open(bytes);
    const [entry] = await listArchiveEntries(zip, display, ctx, MAX_ENTRIES, (name) => name === 'EGG-INFO/PKG-INFO');
    if (!entry) return { missing: true };
    if (entry.size > MAX_PKG_INFO_BYTES) return { error: `EGG-INFO/PKG-INFO is larger than ${MAX_PKG_INFO_BYTES} bytes` };
    return { text: (await zip.readEntry(entry)).toString('utf8') };
  } catch (error) {
    // A damaged archive is the egg's problem; an error reading the file is the driver's to report.
    if (!(error instanceof ZipFormatError)) throw error;
    return { error: error.message };
  }
}
