/**
 * One zip archive read by ranges, for the catalogers of zip-based formats (jars and their kin,
 * wheels) — a file of the target, or an archive nested in one and already in memory: the end
 * record and the central directory first (they are at the end), then only the entries a cataloger
 * asks for, so a 70 MB fat jar costs its directory and a few kilobytes rather than 70 MB held in
 * memory. Entry names are made safe to match on (hostile and duplicate names set
 * aside, never followed), and an entry inflates to no more than it declares, its CRC-32 checked.
 *
 * It accepts and rejects the archives yauzl does (the same end-record search, zip64 records and
 * entry checks, yauzl's own name decoding), but parses the central directory synchronously from a
 * few large reads and inflates entries in one call, where yauzl takes an event-loop turn per entry
 * and a thread-pool stream per inflate: on a jar of 30,000 entries that is most of the time. A
 * plain ASCII name (nearly all) is judged on its bytes: no string is made of it unless it may be
 * wanted, is suspect, or shares its hash with an earlier name.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import type { RandomAccessBytes } from '../random-access-bytes.js';

/** A problem with the archive's own bytes (as opposed to an error reading them). */
export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

export interface ZipEntry {
  /** The name as the archive writes it (backslashes turned into slashes). */
  name: string;
  compressedSize: number;
  /** Declared uncompressed size; never more is inflated. */
  size: number;
  /** @internal Where and how the bytes are stored. */
  data: { method: number; flags: number; crc32: number; localHeaderOffset: number };
}

export type EntryRejection = 'unsafe' | 'duplicate';

/** Why listing stopped early, when it did. */
export interface ListingProblem {
  code: 'ARCHIVE_TOO_MANY_ENTRIES' | 'ARCHIVE_DAMAGED';
  message: string;
}

const END_RECORD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_END_RECORD_SIZE = 56;
const MAX_COMMENT_SIZE = 0xffff;
/** Most slots a listing's name table starts with (1.5 MB); it grows past them when need be. */
const PRESIZED_NAME_SLOTS = 1 << 17;
/** The end of an archive looked through first for its end record. */
const QUICK_TAIL_BYTES = 1024;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER_SIZE = 30;
/** The central directory is read this much at a time (at least one entry's worth). */
const DIRECTORY_CHUNK_BYTES = 512 * 1024;

/** A 64-bit little-endian count as yauzl reads it (past 2^53 it is only approximate, and then out of bounds). */
function readUInt64LE(buffer: Buffer, offset: number): number {
  return buffer.readUInt32LE(offset) + buffer.readUInt32LE(offset + 4) * 0x1_0000_0000;
}

/**
 * The most compressed bytes an honest deflater writes for `size` bytes: zlib's deflateBound (stored
 * blocks cost 5 bytes per 64 KiB) with room to spare for writers that flush often. Reading stops
 * there, so an entry declaring a few bytes cannot make us read the rest of the archive.
 */
function deflatedBound(size: number): number {
  return size + Math.ceil(size / 8) + 64 * 1024;
}

/**
 * `length` bytes at `offset` (and up to `readAhead` bytes when the archive has them, read into
 * `into` when it is large enough), or a ZipFormatError when the archive ends first.
 */
async function readExactly(bytes: RandomAccessBytes, offset: number, length: number, readAhead = length, into?: Buffer): Promise<Buffer> {
  if (length === 0) return Buffer.alloc(0);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > bytes.size) throw new ZipFormatError('unexpected EOF');
  const read = await bytes.readRange(offset, Math.max(length, Math.min(readAhead, bytes.size - offset)), into);
  if (read.length < length) throw new ZipFormatError('unexpected EOF');
  return read;
}

/** What a central directory entry's extra fields hold that the reader needs. */
interface ExtraFieldSummary {
  /** The Zip64 Extended Information field's data, when there is one (the first, as yauzl takes it). */
  zip64?: Buffer;
  /** Whether there is an Info-ZIP Unicode Path field, which may override the name. */
  unicodePath: boolean;
}

const NO_EXTRA_FIELDS: ExtraFieldSummary = Object.freeze({ unicodePath: false });

/**
 * Walks the extra fields in bytes [start, end) as yauzl's parseExtraFields does (the same
 * malformation is an error) without building an object per field: a large jar's entries have
 * tens of thousands of them, and none worth keeping.
 */
function summarizeExtraFields(bytes: Buffer, start: number, end: number): ExtraFieldSummary {
  let summary = NO_EXTRA_FIELDS;
  let i = start;
  while (i < end - 3) {
    const id = bytes.readUInt16LE(i);
    const fieldEnd = i + 4 + bytes.readUInt16LE(i + 2);
    if (fieldEnd > end) throw new ZipFormatError('extra field length exceeds extra field buffer size');
    if (id === 0x0001 && !summary.zip64) summary = { ...summary, zip64: bytes.subarray(i + 4, fieldEnd) };
    else if (id === 0x7075) summary = { ...summary, unicodePath: true };
    i = fieldEnd;
  }
  return summary;
}

/** FNV-1a over a name's UTF-16 code units, cut to 30 bits (a small integer, and one more still fits an Int32Array). */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const NAME_HASH_MASK = 0x3fffffff;

/** The hash of a decoded entry name; equal names hash alike, whichever path decoded them. */
export function hashEntryName(name: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), FNV_PRIME);
  return hash & NAME_HASH_MASK;
}

/** The plain ASCII name bytes [start, end) as the text yauzl decodes them to ('\' as '/'). */
function asciiName(bytes: Buffer, start: number, end: number): string {
  const name = bytes.toString('latin1', start, end);
  return name.includes('\\') ? name.replace(/\\/g, '/') : name;
}

/** Whether bytes [start, end) are all printable ASCII, which UTF-8 and cp437 decode alike. */
function isPrintableAscii(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

/**
 * An entry's name decoded as yauzl decodes it: the Info-ZIP Unicode path field, else UTF-8 or
 * cp437 by the flag; '\' as '/'. Plain ASCII names take a short cut to the same text.
 */
function decodeEntryName(flags: number, bytes: Buffer, nameStart: number, nameEnd: number, extraEnd: number, unicodePath: boolean): string {
  if (!unicodePath && isPrintableAscii(bytes, nameStart, nameEnd)) return asciiName(bytes, nameStart, nameEnd);
  const extraFields = yauzl.parseExtraFields(bytes.subarray(nameEnd, extraEnd));
  return yauzl.getFileNameLowLevel(flags, bytes.subarray(nameStart, nameEnd), extraFields, false);
}

/**
 * For name bytes [start, end) that are all printable ASCII (which UTF-8 and cp437 decode alike)
 * and need no closer look (see below): hashEntryName of the name they decode to, a backslash
 * read as '/'. -1 for anything else: other bytes; a name that is empty, a directory (ending in a
 * separator), or that may be unsafe (starting with a separator, a colon second, or holding "..").
 */
function plainNameHash(bytes: Buffer, start: number, end: number): number {
  if (end <= start) return -1;
  const first = bytes[start]!;
  if (first === 0x2f || first === 0x5c || (end - start > 1 && bytes[start + 1] === 0x3a)) return -1;
  let hash = FNV_OFFSET;
  let previous = 0;
  for (let i = start; i < end; i++) {
    let byte = bytes[i]!;
    if (byte < 0x20 || byte > 0x7e) return -1;
    if (byte === 0x2e && previous === 0x2e) return -1;
    if (byte === 0x5c) byte = 0x2f;
    previous = byte;
    hash = Math.imul(hash ^ byte, FNV_PRIME);
  }
  return previous === 0x2f ? -1 : hash & NAME_HASH_MASK;
}

/** A central directory entry's fields, checked as yauzl checks them; its name by where it lies. */
interface CentralEntry {
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  nameStart: number;
  nameEnd: number;
  extraEnd: number;
  unicodePath: boolean;
}

function u16(bytes: Buffer, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function u32(bytes: Buffer, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) + bytes[at + 3]! * 0x1000000;
}

/**
 * Reads the entry at `at` in `bytes` (which hold at least its fixed part, up to `end`) into
 * `entry`, and returns its length; -1 when its variable part runs past `end`, so the caller reads
 * further and asks again. Fields are read in place and into one object: a fat jar's directory has
 * tens of thousands of entries, and nothing is allocated for one.
 */
function parseCentralEntry(bytes: Buffer, at: number, end: number, entry: CentralEntry): number {
  const signature = u32(bytes, at);
  if (signature !== 0x02014b50) throw new ZipFormatError(`invalid central directory file header signature: 0x${signature.toString(16)}`);
  const flags = u16(bytes, at + 8);
  if (flags & 0x40) throw new ZipFormatError('strong encryption is not supported');
  const nameLength = u16(bytes, at + 28);
  const extraLength = u16(bytes, at + 30);
  const length = CENTRAL_HEADER_SIZE + nameLength + extraLength + u16(bytes, at + 32);
  if (at + length > end) return -1;
  const method = u16(bytes, at + 10);
  let compressedSize = u32(bytes, at + 20);
  let size = u32(bytes, at + 24);
  let localHeaderOffset = u32(bytes, at + 42);
  const nameStart = at + CENTRAL_HEADER_SIZE;
  const nameEnd = nameStart + nameLength;
  const extraEnd = nameEnd + extraLength;
  const { zip64, unicodePath } = extraLength === 0 ? NO_EXTRA_FIELDS : summarizeExtraFields(bytes, nameEnd, extraEnd);
  // The Zip64 Extended Information field carries the values the header marks 0xffffffff.
  if (zip64) {
    let index = 0;
    const wide = (what: string): number => {
      if (index + 8 > zip64.length) throw new ZipFormatError(`zip64 extended information extra field does not include ${what}`);
      const value = readUInt64LE(zip64, index);
      index += 8;
      return value;
    };
    if (size === 0xffffffff) size = wide('uncompressed size');
    if (compressedSize === 0xffffffff) compressedSize = wide('compressed size');
    if (localHeaderOffset === 0xffffffff) localHeaderOffset = wide('relative header offset');
  }
  if (method === 0) {
    // Traditional encryption prefixes a stored entry's bytes with a 12-byte header.
    const expected = size + (flags & 0x1 ? 12 : 0);
    if (compressedSize !== expected) throw new ZipFormatError(`compressed/uncompressed size mismatch for stored file: ${compressedSize} != ${size}`);
  }
  entry.flags = flags;
  entry.method = method;
  entry.crc32 = u32(bytes, at + 16);
  entry.compressedSize = compressedSize;
  entry.size = size;
  entry.localHeaderOffset = localHeaderOffset;
  entry.nameStart = nameStart;
  entry.nameEnd = nameEnd;
  entry.extraEnd = extraEnd;
  entry.unicodePath = unicodePath;
  return length;
}

function decodedName(bytes: Buffer, entry: CentralEntry): string {
  return decodeEntryName(entry.flags, bytes, entry.nameStart, entry.nameEnd, entry.extraEnd, entry.unicodePath);
}

const DOT_DOT_SEGMENT = /(?:^|\/)\.\.(?:\/|$)/;

/**
 * A name that would lead outside the archive root: absolute, a drive letter, or a ".." segment
 * (or a NUL, which ends a name early for C). Tested on every entry of every jar, so the common
 * case (none of these) costs a few character tests and two searches.
 */
export function isUnsafeEntryName(name: string): boolean {
  const first = name.charCodeAt(0);
  if (first === 0x2f) return true;
  const letter = first | 0x20;
  if (name.charCodeAt(1) === 0x3a && letter >= 0x61 && letter <= 0x7a) return true;
  if (name.includes('\0')) return true;
  return name.includes('..') && DOT_DOT_SEGMENT.test(name);
}

function blankEntry(): CentralEntry {
  return { flags: 0, method: 0, crc32: 0, compressedSize: 0, size: 0, localHeaderOffset: 0, nameStart: 0, nameEnd: 0, extraEnd: 0, unicodePath: false };
}

/**
 * The names listed so far, by their hash (hashEntryName). The first name with a hash is known by
 * where its entry is, no string kept; when another name comes with the same hash (the same name,
 * or, rarely, another) the earlier one is read again and both are compared as text. A fat jar's
 * tens of thousands of names thus cost a few numbers each, and no string.
 */
class ListedNames {
  /**
   * Open addressing on the hash itself (it is one already): slot i holds a hash plus one (0 for
   * none) and the offset of the first entry with it. Half full at most.
   */
  private hashes: Int32Array;
  private offsets: Float64Array;
  private count = 0;
  /** For hashes more than one name came with: the names, as text. */
  private readonly shared = new Map<number, Set<string>>();

  /**
   * `expected`: how many names are likely; the table is made large enough for them at once (up
   * to a cap, past which it grows as names come, so a directory that lies costs nothing up front).
   */
  constructor(
    private readonly nameAt: (offset: number) => Promise<string>,
    expected: number,
  ) {
    let size = 16;
    while (size < expected * 2 && size < PRESIZED_NAME_SLOTS) size *= 2;
    this.hashes = new Int32Array(size);
    this.offsets = new Float64Array(size);
  }

  /** The slot of `hash`, or of the empty slot where it would go. */
  private slot(hash: number): number {
    const mask = this.hashes.length - 1;
    let i = hash & mask;
    while (this.hashes[i] !== 0 && this.hashes[i] !== hash + 1) i = (i + 1) & mask;
    return i;
  }

  /** Records the entry at `offset` as the first with `hash`; false when there was one already. */
  addFirst(hash: number, offset: number): boolean {
    const i = this.slot(hash);
    if (this.hashes[i] !== 0) return false;
    this.hashes[i] = hash + 1;
    this.offsets[i] = offset;
    if (++this.count * 2 > this.hashes.length) this.grow();
    return true;
  }

  private grow(): void {
    const { hashes, offsets } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.offsets = new Float64Array(hashes.length * 2);
    for (let j = 0; j < hashes.length; j++) {
      if (hashes[j] === 0) continue;
      const i = this.slot(hashes[j]! - 1);
      this.hashes[i] = hashes[j]!;
      this.offsets[i] = offsets[j]!;
    }
  }

  /** After addFirst said false: adds `name` under `hash`, false when that very name is listed already. */
  async add(hash: number, name: string): Promise<boolean> {
    let names = this.shared.get(hash);
    if (!names) {
      names = new Set([await this.nameAt(this.offsets[this.slot(hash)]!)]);
      this.shared.set(hash, names);
    }
    if (names.has(name)) return false;
    names.add(name);
    return true;
  }
}

export class RangedZip {
  private constructor(
    private readonly bytes: RandomAccessBytes,
    private readonly centralDirectoryOffset: number,
    private readonly entryCount: number,
  ) {}

  /**
   * Finds the end record (searching back through a comment, as yauzl does) and, for zip64
   * archives, the zip64 end record. Throws ZipFormatError for bytes that are not a zip archive;
   * errors reading the bytes themselves go on as they are.
   */
  static async open(bytes: RandomAccessBytes): Promise<RangedZip> {
    // Nearly every archive ends with its end record (a comment is rare): the last kilobyte is
    // looked through first, and the whole span a comment may take only when the record is not
    // found there, far enough from the start to show a zip64 locator before it. The search goes
    // from the end either way, so it finds the record the full search finds.
    for (const span of [QUICK_TAIL_BYTES, ZIP64_LOCATOR_SIZE + END_RECORD_SIZE + MAX_COMMENT_SIZE]) {
      const tailSize = Math.min(span, bytes.size);
      const whole = tailSize === bytes.size || span !== QUICK_TAIL_BYTES;
      const tail = await readExactly(bytes, bytes.size - tailSize, tailSize);
      for (let i = tailSize - END_RECORD_SIZE; i >= (whole ? 0 : ZIP64_LOCATOR_SIZE); i -= 1) {
        if (tail.readUInt32LE(i) !== 0x06054b50) continue;
        const record = tail.subarray(i);
        let diskNumber = record.readUInt16LE(4);
        let entryCount = record.readUInt16LE(10);
        let centralDirectoryOffset = record.readUInt32LE(16);
        const commentLength = record.readUInt16LE(20);
        const expectedCommentLength = record.length - END_RECORD_SIZE;
        if (commentLength !== expectedCommentLength) {
          throw new ZipFormatError(`Invalid comment length. Expected: ${expectedCommentLength}. Found: ${commentLength}. Are there extra bytes at the end of the file?`);
        }
        if (i - ZIP64_LOCATOR_SIZE >= 0 && tail.readUInt32LE(i - ZIP64_LOCATOR_SIZE) === 0x07064b50) {
          const zip64EndOffset = readUInt64LE(tail, i - ZIP64_LOCATOR_SIZE + 8);
          const zip64End = await readExactly(bytes, zip64EndOffset, ZIP64_END_RECORD_SIZE);
          if (zip64End.readUInt32LE(0) !== 0x06064b50) throw new ZipFormatError('invalid zip64 end of central directory record signature');
          diskNumber = zip64End.readUInt32LE(16);
          entryCount = readUInt64LE(zip64End, 32);
          centralDirectoryOffset = readUInt64LE(zip64End, 48);
        }
        if (diskNumber !== 0) throw new ZipFormatError(`multi-disk zip files are not supported: found disk number: ${diskNumber}`);
        return new RangedZip(bytes, centralDirectoryOffset, entryCount);
      }
      if (tailSize === bytes.size) break;
    }
    throw new ZipFormatError('End of central directory record signature not found. Either not a zip file, or file is truncated.');
  }

  /**
   * Lists the archive's file entries in archive order, at most `maxEntries` of them, keeping
   * those `wanted` accepts (all by default). Unsafe and duplicate names (after the first) are
   * passed to `rejected` and left out, wanted or not; directories are left out silently. A damaged
   * directory ends the listing with a problem, keeping what came before. The directory is parsed
   * synchronously from reads of half a megabyte: a fat jar has tens of thousands of entries.
   *
   * `mayWant`, when given, is asked first about a plain ASCII name's bytes [start, end) (a '\'
   * among them stands for '/'): false leaves the entry out without a string made of its name, so
   * it must say true of every name `wanted` accepts. Names are told apart by their hash, and made
   * strings and compared only when two share one.
   */
  async listEntries(
    maxEntries: number,
    rejected: (reason: EntryRejection, name: string) => void,
    wanted: (name: string) => boolean = () => true,
    mayWant?: (bytes: Buffer, start: number, end: number) => boolean,
  ): Promise<{ entries: ZipEntry[]; problem?: ListingProblem }> {
    const entries: ZipEntry[] = [];
    // As many names as the entry count says, or as fit in the bytes after the directory's start.
    const fit = Math.max(0, Math.floor((this.bytes.size - this.centralDirectoryOffset) / CENTRAL_HEADER_SIZE));
    const listed = new ListedNames((offset) => this.nameAt(offset), Math.min(this.entryCount, maxEntries, fit));
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = this.centralDirectoryOffset;
    // Every chunk is read into the same memory: nothing listed keeps a view of it.
    const scratch = Buffer.allocUnsafe(Math.max(0, Math.min(DIRECTORY_CHUNK_BYTES, this.bytes.size - this.centralDirectoryOffset)));
    let cursor = this.centralDirectoryOffset;
    const entry = blankEntry();
    for (let index = 0; index !== this.entryCount; index++) {
      const entryOffset = cursor;
      try {
        // The fixed part first, then (when the names run past the chunk) the whole entry.
        for (let need = CENTRAL_HEADER_SIZE; ; ) {
          if (cursor - chunkStart + need > chunk.length) {
            chunk = await readExactly(this.bytes, cursor, need, DIRECTORY_CHUNK_BYTES, scratch);
            chunkStart = cursor;
          }
          const at = cursor - chunkStart;
          const length = parseCentralEntry(chunk, at, need === CENTRAL_HEADER_SIZE ? chunk.length : at + need, entry);
          if (length !== -1) {
            cursor += length;
            break;
          }
          need = CENTRAL_HEADER_SIZE + u16(chunk, at + 28) + u16(chunk, at + 30) + u16(chunk, at + 32);
        }
      } catch (error) {
        if (!(error instanceof ZipFormatError)) throw error;
        return { entries, problem: { code: 'ARCHIVE_DAMAGED', message: `its central directory is damaged after ${index} entries (${error.message})` } };
      }
      if (index >= maxEntries) {
        return { entries, problem: { code: 'ARCHIVE_TOO_MANY_ENTRIES', message: `it has more than ${maxEntries} entries; the rest were not read` } };
      }
      // A plain name is neither a directory nor unsafe (plainNameHash says so); others are decoded and judged.
      let name: string | undefined;
      let hash = entry.unicodePath ? -1 : plainNameHash(chunk, entry.nameStart, entry.nameEnd);
      if (hash === -1) {
        name = decodedName(chunk, entry);
        if (name.endsWith('/')) continue;
        if (isUnsafeEntryName(name)) {
          rejected('unsafe', name);
          continue;
        }
        hash = hashEntryName(name);
      }
      if (!listed.addFirst(hash, entryOffset)) {
        name ??= asciiName(chunk, entry.nameStart, entry.nameEnd);
        if (!(await listed.add(hash, name))) {
          rejected('duplicate', name);
          continue;
        }
      }
      if (name === undefined) {
        if (mayWant && !mayWant(chunk, entry.nameStart, entry.nameEnd)) continue;
        name = asciiName(chunk, entry.nameStart, entry.nameEnd);
      }
      if (!wanted(name)) continue;
      entries.push({
        name,
        compressedSize: entry.compressedSize,
        size: entry.size,
        data: { method: entry.method, flags: entry.flags, crc32: entry.crc32, localHeaderOffset: entry.localHeaderOffset },
      });
    }
    return { entries };
  }

  /** The name of the central directory entry at `offset`, listed before (so it parses). */
  private async nameAt(offset: number): Promise<string> {
    const fixed = await readExactly(this.bytes, offset, CENTRAL_HEADER_SIZE);
    const bytes = await readExactly(this.bytes, offset, CENTRAL_HEADER_SIZE + u16(fixed, 28) + u16(fixed, 30) + u16(fixed, 32));
    const entry = blankEntry();
    parseCentralEntry(bytes, 0, bytes.length, entry);
    return decodedName(bytes, entry);
  }

  /**
   * Reads one entry whole: stored bytes as they are, deflated ones inflated in one call to no more
   * than the declared size, which must come out exactly, with the declared CRC-32. The caller has
   * checked the declared size against its caps. Throws ZipFormatError for a damaged entry.
   */
  async readEntry(entry: ZipEntry): Promise<Buffer> {
    const { method, flags, localHeaderOffset } = entry.data;
    if (flags & 0x1) throw new ZipFormatError('entry is encrypted');
    if (method !== 0 && method !== 8) throw new ZipFormatError(`unsupported compression method: ${method}`);
    const header = await readExactly(this.bytes, localHeaderOffset, LOCAL_HEADER_SIZE);
    const signature = header.readUInt32LE(0);
    if (signature !== 0x04034b50) throw new ZipFormatError(`invalid local file header signature: 0x${signature.toString(16)}`);
    const dataStart = localHeaderOffset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (dataStart + entry.compressedSize > this.bytes.size) {
      throw new ZipFormatError(`file data overflows file bounds: ${dataStart} + ${entry.compressedSize} > ${this.bytes.size}`);
    }
    let bytes: Buffer;
    if (method === 0) {
      bytes = await readExactly(this.bytes, dataStart, entry.compressedSize);
    } else {
      const compressed = await readExactly(this.bytes, dataStart, Math.min(entry.compressedSize, deflatedBound(entry.size)));
      try {
        bytes = inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.size) });
      } catch (error) {
        const tooLarge = error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
        throw new ZipFormatError(tooLarge ? `more bytes than the ${entry.size} declared` : (error as Error).message);
      }
      if (bytes.length !== entry.size) throw new ZipFormatError(`${bytes.length} bytes, not the ${entry.size} declared`);
    }
    if (crc32(bytes) >>> 0 !== entry.data.crc32 >>> 0) throw new ZipFormatError('its CRC-32 does not match its contents');
    return bytes;
  }
}
