/**
 * @module Reads an rpm header blob, the value every rpm database format stores per package.
 *
 * A header blob as the database holds it (no lead, no header magic) is:
 *   int32 il (index entry count), int32 dl (data store length), both big-endian;
 *   il index entries of 16 bytes: int32 tag, uint32 type, int32 offset, uint32 count (big-endian);
 *   dl bytes of data store, into which each entry's offset points.
 * Every read is bounds-checked: a blob that lies about its counts or offsets is reported as
 * malformed (with the reason) and never read out of range.
 * @see https://rpm-software-management.github.io/rpm/manual/format_header.html
 */

export const RpmTag = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
  LONGSIZE: 5009,
  MODULARITYLABEL: 5096,
} as const;

/** Index entry data types (rpmTagType). */
const EntryType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

const ENTRY_SIZE = 16;
/** rpm refuses headers with 2^16 or more entries (hdrchkTags). */
const MAX_ENTRIES = 0xffff;
/** rpm's upper bound for a header's data store (hdrchkData, 256 MiB). */
const MAX_DATA = 0x0fffffff;

/** The package facts Vigil reads from a header. */
export interface RpmHeader {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  /** Installed size in bytes (LONGSIZE, else SIZE). */
  size?: number;
  vendor?: string;
  license?: string;
  sourceRpm?: string;
  modularityLabel?: string;
}

export type HeaderResult = { ok: true; header: RpmHeader } | { ok: false; reason: string };

interface IndexEntry {
  tag: number;
  type: number;
  offset: number;
  count: number;
}

/** The data store plus the entries wanted from it, already bounds-checked against il and dl. */
class HeaderView {
  constructor(
    private readonly data: Uint8Array,
    private readonly entries: Map<number, IndexEntry>,
  ) {}

  /** The first string of a STRING, STRING_ARRAY or I18NSTRING entry; an error text when it is malformed. */
  string(tag: number): string | undefined | Error {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== EntryType.STRING && entry.type !== EntryType.STRING_ARRAY && entry.type !== EntryType.I18NSTRING) {
      return new Error(`tag ${tag} has type ${entry.type}, not a string`);
    }
    if (entry.type === EntryType.STRING && entry.count !== 1) return new Error(`string tag ${tag} has count ${entry.count}`);
    // Every string of an array is NUL-terminated inside the data store, so count can be at most
    // the bytes left; checking that first keeps a hostile count from costing a long loop.
    if (entry.count > this.data.length - entry.offset) return new Error(`tag ${tag} claims ${entry.count} strings past the data end`);
    const end = this.data.indexOf(0, entry.offset);
    if (end < 0) return new Error(`string tag ${tag} is not NUL-terminated inside the data store`);
    return Buffer.from(this.data.buffer, this.data.byteOffset + entry.offset, end - entry.offset).toString('utf8');
  }

  /** The first value of an INT32 or INT64 entry as an unsigned number; an error when malformed. */
  integer(tag: number): number | undefined | Error {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    const width = entry.type === EntryType.INT32 ? 4 : entry.type === EntryType.INT64 ? 8 : 0;
    if (width === 0) return new Error(`tag ${tag} has type ${entry.type}, not an integer`);
    if (entry.offset + width * entry.count > this.data.length) return new Error(`tag ${tag} runs past the data end`);
    const view = new DataView(this.data.buffer, this.data.byteOffset + entry.offset, width);
    return width === 4 ? view.getUint32(0) : Number(view.getBigUint64(0));
  }
}

const wantedTags = new Set<number>(Object.values(RpmTag));

/** Checks the blob's counts and index and returns a view over the entries Vigil reads. */
function indexHeader(blob: Uint8Array): HeaderView | string {
  if (blob.length < 8) return `header blob of ${blob.length} bytes is shorter than its 8-byte preamble`;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const il = view.getUint32(0);
  const dl = view.getUint32(4);
  if (il === 0 || il > MAX_ENTRIES) return `header claims ${il} index entries`;
  if (dl > MAX_DATA) return `header claims a ${dl}-byte data store`;
  const dataStart = 8 + il * ENTRY_SIZE;
  if (dataStart + dl > blob.length) {
    return `header claims ${il} entries and ${dl} data bytes but the blob has ${blob.length} bytes`;
  }
  const data = blob.subarray(dataStart, dataStart + dl);
  const entries = new Map<number, IndexEntry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * ENTRY_SIZE;
    const entry: IndexEntry = {
      tag: view.getUint32(at),
      type: view.getUint32(at + 4),
      offset: view.getUint32(at + 8),
      count: view.getUint32(at + 12),
    };
    if (entry.type > EntryType.I18NSTRING) return `entry ${i} (tag ${entry.tag}) has unknown type ${entry.type}`;
    // Region trailers (tags 61-63) may point exactly at the data end; nothing may point beyond it.
    if (entry.offset > dl) return `entry ${i} (tag ${entry.tag}) points at offset ${entry.offset} past the ${dl}-byte data store`;
    if (wantedTags.has(entry.tag)) {
      if (entry.count === 0) return `entry ${i} (tag ${entry.tag}) has count 0`;
      if (entry.offset >= dl) return `entry ${i} (tag ${entry.tag}) starts at the data end`;
      if (!entries.has(entry.tag)) entries.set(entry.tag, entry);
    }
  }
  return new HeaderView(data, entries);
}

function requiredString(header: HeaderView, tag: number, label: string): string | Error {
  const value = header.string(tag);
  if (value === undefined) return new Error(`header has no ${label}`);
  if (value instanceof Error) return value;
  if (value === '') return new Error(`header has an empty ${label}`);
  return value;
}

/** Parses one header blob; never throws, never reads out of range. */
export function parseRpmHeader(blob: Uint8Array): HeaderResult {
  const header = indexHeader(blob);
  if (typeof header === 'string') return { ok: false, reason: header };
  const name = requiredString(header, RpmTag.NAME, 'NAME');
  if (name instanceof Error) return { ok: false, reason: name.message };
  const version = requiredString(header, RpmTag.VERSION, 'VERSION');
  if (version instanceof Error) return { ok: false, reason: `${name}: ${version.message}` };
  const release = requiredString(header, RpmTag.RELEASE, 'RELEASE');
  if (release instanceof Error) return { ok: false, reason: `${name}: ${release.message}` };

  const result: RpmHeader = { name, version, release };
  const optionalStrings = [
    ['arch', RpmTag.ARCH],
    ['vendor', RpmTag.VENDOR],
    ['license', RpmTag.LICENSE],
    ['sourceRpm', RpmTag.SOURCERPM],
    ['modularityLabel', RpmTag.MODULARITYLABEL],
  ] as const;
  for (const [field, tag] of optionalStrings) {
    const value = header.string(tag);
    if (value instanceof Error) return { ok: false, reason: `${name}: ${value.message}` };
    if (value) result[field] = value;
  }
  const epoch = header.integer(RpmTag.EPOCH);
  if (epoch instanceof Error) return { ok: false, reason: `${name}: ${epoch.message}` };
  if (epoch !== undefined) result.epoch = epoch;
  const longSize = header.integer(RpmTag.LONGSIZE);
  const size = longSize === undefined ? header.integer(RpmTag.SIZE) : longSize;
  if (size instanceof Error) return { ok: false, reason: `${name}: ${size.message}` };
  if (size !== undefined) result.size = size;
  return { ok: true, header: result };
}
