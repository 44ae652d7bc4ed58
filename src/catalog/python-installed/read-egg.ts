/**
 * @module Finds EGG-INFO/PKG-INFO inside a zipped .egg (setuptools' easy_install format) and
 * returns its text. The zip is read from memory; only that one entry is inflated, and no more
 * than a bounded number of bytes of it.
 * @see https://setuptools.pypa.io/en/latest/deprecated/python_eggs.html
 */
import yauzl from 'yauzl';
import { nextZipEntry } from '../../archive/yauzl.js';

/** PKG-INFO is a few KB; a larger entry is not one. */
const MAX_PKG_INFO_BYTES = 4 * 1024 * 1024;
/** Entries looked at before giving up (an egg has its EGG-INFO near the front or the end). */
const MAX_ENTRIES = 200_000;

export type EggReadResult = { text: string } | { missing: true } | { error: string };

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) =>
      error || !zip ? reject(error ?? new Error('no zip file')) : resolve(zip),
    );
  });
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  if (entry.uncompressedSize > MAX_PKG_INFO_BYTES) throw new Error(`EGG-INFO/PKG-INFO is larger than ${MAX_PKG_INFO_BYTES} bytes`);
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (error, s) => (error || !s ? reject(error ?? new Error('no stream')) : resolve(s))),
  );
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_PKG_INFO_BYTES) {
      (stream as unknown as { destroy(): void }).destroy();
      throw new Error(`EGG-INFO/PKG-INFO is larger than ${MAX_PKG_INFO_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function readEggPkgInfo(bytes: Buffer): Promise<EggReadResult> {
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await openZip(bytes);
    for (let seen = 0; seen < MAX_ENTRIES; seen++) {
      const entry = await nextZipEntry(zip);
      if (!entry) return { missing: true };
      if (entry.fileName === 'EGG-INFO/PKG-INFO') return { text: (await readEntry(zip, entry)).toString('utf8') };
    }
    return { missing: true };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    zip?.close();
  }
}
