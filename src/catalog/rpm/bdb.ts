/**
 * @module Reads the header blobs out of a Berkeley DB hash database, the `Packages` file of rpm
 * before 4.16 (RHEL/CentOS 7 and 8, Amazon Linux 2, older SUSE). Read-only, no libdb.
 *
 * Layout (both byte orders; the metadata magic tells which):
 * - page 0 is the hash metadata page: magic 0x061561 at 12, version at 16, page size at 20,
 *   encryption at 24, page type (8) at 25, last page number at 32, max bucket at 72, high and low
 *   masks at 76 and 80, and the 32 "spares" at 96 that map a bucket to its first page.
 * - every page starts with a 26-byte header: its own number at 8, prev/next page at 12/16, entry
 *   count at 20, high-free offset at 22, page type at 25; hash pages (type 13, or 2 unsorted)
 *   follow it with a uint16 offset per entry; entries alternate key and value.
 * - an entry is a type byte and its bytes: H_KEYDATA (1) holds the bytes inline, up to the previous
 *   entry's offset (or the page end); H_OFFPAGE (3) holds a page number and total length of a
 *   chain of overflow pages (type 7) whose high-free offset is the bytes used on that page.
 * rpm's keys are 4-byte header numbers; key 0 holds rpm's own counter, not a header.
 * @see https://github.com/rpm-software-management/rpm/blob/master/lib/backend/bdb_ro.c
 */
import type { BlobsResult } from './read-result.js';

const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;

interface HashMeta {
  littleEndian: boolean;
  pageSize: number;
  lastPage: number;
  maxBucket: number;
  spares: number[];
}

/** True when the bytes start like a Berkeley DB hash database in either byte order. */
export function isBdbHash(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(12, true) === HASH_MAGIC || view.getUint32(12, false) === HASH_MAGIC;
}

function readMeta(bytes: Uint8Array): HashMeta | string {
  if (bytes.length < 512) return `file of ${bytes.length} bytes is too short for a hash metadata page`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const littleEndian = view.getUint32(12, true) === HASH_MAGIC;
  if (!littleEndian && view.getUint32(12, false) !== HASH_MAGIC) return 'no Berkeley DB hash magic at offset 12';
  const u32 = (at: number) => view.getUint32(at, littleEndian);
  const version = u32(16);
  if (version < 8 || version > 10) return `unsupported Berkeley DB hash version ${version}`;
  const pageSize = u32(20);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return `invalid page size ${pageSize}`;
  if (bytes[24] !== 0) return 'the database is encrypted';
  if (bytes[25] !== P_HASHMETA) return `metadata page has type ${bytes[25]}, not hash metadata`;
  const lastPage = u32(32);
  const maxBucket = u32(72);
  // Every bucket owns at least one page, so a bucket count beyond the page count is a lie.
  if (maxBucket >= Math.max(lastPage, 1)) return `max bucket ${maxBucket} exceeds the ${lastPage} pages`;
  const spares: number[] = [];
  for (let i = 0; i < 32; i++) spares.push(u32(96 + i * 4));
  return { littleEndian, pageSize, lastPage, maxBucket, spares };
}

class PageReader {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    readonly meta: HashMeta,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The page's bytes, or a reason it cannot be read. */
  page(pageNo: number): Uint8Array | string {
    if (pageNo === 0 || pageNo > this.meta.lastPage) return `page ${pageNo} is outside pages 1-${this.meta.lastPage}`;
    const start = pageNo * this.meta.pageSize;
    if (start + this.meta.pageSize > this.bytes.length) return `page ${pageNo} lies past the end of the file (truncated)`;
    const page = this.bytes.subarray(start, start + this.meta.pageSize);
    if (this.u32(page, 8) !== pageNo) return `page ${pageNo} records page number ${this.u32(page, 8)}`;
    return page;
  }

  u16(page: Uint8Array, at: number): number {
    return this.view.getUint16(page.byteOffset - this.bytes.byteOffset + at, this.meta.littleEndian);
  }

  u32(page: Uint8Array, at: number): number {
    return this.view.getUint32(page.byteOffset - this.bytes.byteOffset + at, this.meta.littleEndian);
  }
}

/** The first page of a bucket, as Berkeley DB lays buckets out in "splitpoints". */
function bucketPage(meta: HashMeta, bucket: number): number {
  const splitPoint = bucket === 0 ? 0 : 32 - Math.clz32(bucket);
  return bucket + (meta.spares[splitPoint] ?? 0);
}

/** Follows an overflow chain and joins its bytes; a reason when the chain is broken or lies. */
function readOverflow(reader: PageReader, firstPage: number, totalLength: number): Uint8Array | string {
  const { pageSize } = reader.meta;
  // The bytes must come from pages of this file, so a longer claim is false from the start.
  if (totalLength === 0 || totalLength > reader.meta.lastPage * pageSize) return `overflow item claims ${totalLength} bytes`;
  const chunks: Uint8Array[] = [];
  let remaining = totalLength;
  let pageNo = firstPage;
  const seen = new Set<number>();
  while (remaining > 0) {
    if (seen.has(pageNo)) return `overflow chain loops back to page ${pageNo}`;
    seen.add(pageNo);
    const page = reader.page(pageNo);
    if (typeof page === 'string') return `overflow chain: ${page}`;
    if (page[25] !== P_OVERFLOW) return `overflow chain reaches page ${pageNo} of type ${page[25]}`;
    const used = reader.u16(page, 22);
    if (used === 0 || PAGE_HEADER + used > pageSize || used > remaining) {
      return `overflow page ${pageNo} claims ${used} bytes with ${remaining} left`;
    }
    chunks.push(page.subarray(PAGE_HEADER, PAGE_HEADER + used));
    remaining -= used;
    pageNo = reader.u32(page, 16);
  }
  return Buffer.concat(chunks, totalLength);
}

/** The bytes of the entry at `index` on a hash page, or a reason. */
function readEntry(reader: PageReader, page: Uint8Array, pageNo: number, index: number): Uint8Array | string {
  const { pageSize } = reader.meta;
  const offset = reader.u16(page, PAGE_HEADER + index * 2);
  const end = index === 0 ? pageSize : reader.u16(page, PAGE_HEADER + (index - 1) * 2);
  if (offset < PAGE_HEADER || end > pageSize || offset >= end) {
    return `page ${pageNo} entry ${index} spans ${offset}-${end}`;
  }
  switch (page[offset]) {
    case H_KEYDATA:
      return page.subarray(offset + 1, end);
    case H_OFFPAGE: {
      if (end - offset !== 12) return `page ${pageNo} entry ${index} is an off-page reference of ${end - offset} bytes`;
      return readOverflow(reader, reader.u32(page, offset + 4), reader.u32(page, offset + 8));
    }
    case H_DUPLICATE:
    case H_OFFDUP:
      return `page ${pageNo} entry ${index} holds duplicates, which rpm never writes`;
    default:
      return `page ${pageNo} entry ${index} has unknown item type ${page[offset]}`;
  }
}

/**
 * Every value in the database except rpm's counter record, bucket by bucket as rpm itself walks
 * them. Broken entries are reported through `skip` and the walk goes on.
 */
export function readBdbHashBlobs(bytes: Uint8Array, skip: (reason: string) => void): BlobsResult {
  const meta = readMeta(bytes);
  if (typeof meta === 'string') return { ok: false, reason: meta };
  const reader = new PageReader(bytes, meta);
  const blobs: Uint8Array[] = [];
  const visited = new Set<number>();
  for (let bucket = 0; bucket <= meta.maxBucket; bucket++) {
    let pageNo = bucketPage(meta, bucket);
    while (pageNo !== 0) {
      if (visited.has(pageNo)) {
        skip(`bucket ${bucket} reaches page ${pageNo} a second time`);
        break;
      }
      visited.add(pageNo);
      const page = reader.page(pageNo);
      if (typeof page === 'string') {
        skip(`bucket ${bucket}: ${page}`);
        break;
      }
      if (page[25] !== P_HASH && page[25] !== P_HASH_UNSORTED) {
        skip(`bucket ${bucket} reaches page ${pageNo} of type ${page[25]}`);
        break;
      }
      const entries = Math.min(reader.u16(page, 20), Math.floor((meta.pageSize - PAGE_HEADER) / 2));
      for (let index = 0; index + 1 < entries; index += 2) {
        const key = readEntry(reader, page, pageNo, index);
        if (typeof key === 'string') {
          skip(key);
          continue;
        }
        if (key.length === 4 && key.every((byte) => byte === 0)) continue; // rpm's header-number counter
        const value = readEntry(reader, page, pageNo, index + 1);
        if (typeof value === 'string') skip(value);
        else blobs.push(value);
      }
      pageNo = reader.u32(page, 16);
    }
  }
  return { ok: true, blobs };
}
