/**
 * @module One zip archive held in memory, read with yauzl: its entries' names made safe to match
 * on (hostile and duplicate names set aside, never followed), and the bytes of chosen entries
 * inflated under caps on size and compression ratio.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { nextZipEntry } from '../../archive/yauzl.js';

export interface MemoryZipEntry {
  /** The name as the archive writes it (backslashes turned into slashes). */
  name: string;
  compressedSize: number;
  /** Declared uncompressed size; never more is inflated. */
  size: number;
  /** @internal */
  raw: yauzl.Entry;
}

export type EntryRejection = 'unsafe' | 'duplicate';

/** Why reading stopped early, when it did. */
export interface ListingProblem {
  code: 'ARCHIVE_TOO_MANY_ENTRIES' | 'ARCHIVE_DAMAGED';
  message: string;
}

export function openMemoryZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (error, zip) => {
      if (error || !zip) reject(error ?? new Error('no zip file'));
      else {
        // yauzl emits an error once; a listener must be there whenever it does.
        zip.on('error', () => undefined);
        resolve(zip);
      }
    });
  });
}

/** A name that would lead outside the archive root: absolute, a drive letter, or a ".." segment. */
export function isUnsafeEntryName(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split('/').includes('..') || name.includes('\0');
}

function decodeName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown as Buffer | string;
  if (typeof raw === 'string') return raw.replace(/\\/g, '/');
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
}

/**
 * Lists an archive's file entries in archive order, at most `maxEntries` of them. Unsafe and
 * duplicate names (after the first) are passed to `rejected` and left out; directories are left
 * out silently.
 */
export async function listEntries(
  zip: yauzl.ZipFile,
  maxEntries: number,
  rejected: (reason: EntryRejection, name: string) => void,
): Promise<{ entries: MemoryZipEntry[]; problem?: ListingProblem }> {
  const entries: MemoryZipEntry[] = [];
  const seen = new Set<string>();
  for (let index = 0; ; index++) {
    let entry: yauzl.Entry | undefined;
    try {
      entry = await nextZipEntry(zip);
    } catch (error) {
      return { entries, problem: { code: 'ARCHIVE_DAMAGED', message: `its central directory is damaged after ${index} entries (${firstLine(error)})` } };
    }
    if (!entry) return { entries };
    if (index >= maxEntries) {
      return { entries, problem: { code: 'ARCHIVE_TOO_MANY_ENTRIES', message: `it has more than ${maxEntries} entries; the rest were not read` } };
    }
    const name = decodeName(entry);
    if (name.endsWith('/')) continue;
    if (isUnsafeEntryName(name)) {
      rejected('unsafe', name);
      continue;
    }
    if (seen.has(name)) {
      rejected('duplicate', name);
      continue;
    }
    seen.add(name);
    entries.push({ name, compressedSize: entry.compressedSize, size: entry.uncompressedSize, raw: entry });
  }
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/**
 * Inflates one entry. The caller has checked the declared size against its caps; yauzl checks
 * that no more and no fewer bytes come out than declared; the CRC-32 is checked here.
 */
export async function readEntryBytes(zip: yauzl.ZipFile, entry: MemoryZipEntry): Promise<Buffer> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry.raw, (error, s) => (error || !s ? reject(error ?? new Error('no stream')) : resolve(s))),
  );
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > entry.size) {
      (stream as unknown as { destroy(): void }).destroy();
      throw new Error(`more bytes than the ${entry.size} declared`);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks, total);
  if (crc32(bytes) >>> 0 !== entry.raw.crc32 >>> 0) throw new Error('its CRC-32 does not match its contents');
  return bytes;
}
