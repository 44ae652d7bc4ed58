/**
 * @module Reads the header blobs out of rpm's own "ndb" package database, `Packages.db` (SUSE,
 * and any rpm built with the ndb backend). Everything is little-endian.
 *
 * - bytes 0-31: "RpmP" magic, version (0), generation, number of slot pages, next package index.
 * - slot pages (4096 bytes each, the first 32 bytes of page 0 being the header above): 16-byte
 *   slots of "Slot" magic, package index, block offset, block count. Block offset 0 marks a free
 *   slot. A block is 16 bytes.
 * - at each used slot's block offset, a blob: head ("BlbS" magic, package index, timestamp, blob
 *   length), the header blob, zero padding to the block count, and a tail (Adler-32 of everything
 *   from the head to the padding, blob length, "BlbE" magic).
 * @see https://github.com/rpm-software-management/rpm/blob/master/lib/backend/ndb/rpmpkg.c
 */
import type { BlobsResult } from './read-result.js';

/** Four ASCII characters as the little-endian integer rpm compares them as. */
function magic(text: string): number {
  return (text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24)) >>> 0;
}

const PKGDB_MAGIC = magic('RpmP');
const SLOT_MAGIC = magic('Slot');
const BLOBHEAD_MAGIC = magic('BlbS');
const BLOBTAIL_MAGIC = magic('BlbE');
const HEADER_SIZE = 32;
const SLOT_SIZE = 16;
const BLOCK_SIZE = 16;
const PAGE_SIZE = 4096;
const BLOBHEAD_SIZE = 16;
const BLOBTAIL_SIZE = 12;

export function isNdb(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === PKGDB_MAGIC;
}

/** Adler-32 (RFC 1950), as rpm checks each blob. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the most bytes that can be summed before b could pass 2^32 (zlib's NMAX).
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(start + 5552, bytes.length);
    for (let i = start; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

interface Slot {
  slotNo: number;
  pkgIdx: number;
  blockOffset: number;
  blockCount: number;
}

function readBlob(bytes: Uint8Array, view: DataView, slot: Slot): Uint8Array | string {
  const label = `package ${slot.pkgIdx} (slot ${slot.slotNo})`;
  const start = slot.blockOffset * BLOCK_SIZE;
  const end = start + slot.blockCount * BLOCK_SIZE;
  if (slot.blockCount * BLOCK_SIZE < BLOBHEAD_SIZE + BLOBTAIL_SIZE) return `${label}: ${slot.blockCount} blocks cannot hold a blob`;
  if (end > bytes.length) return `${label}: blob at block ${slot.blockOffset} runs past the end of the file (truncated)`;
  if (view.getUint32(start, true) !== BLOBHEAD_MAGIC) return `${label}: no blob head magic at block ${slot.blockOffset}`;
  if (view.getUint32(start + 4, true) !== slot.pkgIdx) return `${label}: blob belongs to package ${view.getUint32(start + 4, true)}`;
  const length = view.getUint32(start + 12, true);
  if (Math.ceil((BLOBHEAD_SIZE + length + BLOBTAIL_SIZE) / BLOCK_SIZE) !== slot.blockCount) {
    return `${label}: blob length ${length} does not fit its ${slot.blockCount} blocks`;
  }
  const tail = end - BLOBTAIL_SIZE;
  if (view.getUint32(tail + 8, true) !== BLOBTAIL_MAGIC) return `${label}: no blob tail magic`;
  if (view.getUint32(tail + 4, true) !== length) return `${label}: blob head and tail disagree on the length`;
  if (view.getUint32(tail, true) !== adler32(bytes.subarray(start, tail))) return `${label}: blob checksum mismatch`;
  return bytes.subarray(start + BLOBHEAD_SIZE, start + BLOBHEAD_SIZE + length);
}

/** Every package blob, in package-index order. Broken slots and blobs go to `skip`. */
export function readNdbBlobs(bytes: Uint8Array, skip: (reason: string) => void): BlobsResult {
  if (bytes.length < HEADER_SIZE || !isNdb(bytes)) return { ok: false, reason: 'no ndb "RpmP" magic' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== 0) return { ok: false, reason: `unsupported ndb version ${version}` };
  const slotPages = view.getUint32(12, true);
  if (slotPages === 0 || slotPages * PAGE_SIZE > bytes.length) {
    return { ok: false, reason: `${slotPages} slot pages do not fit the ${bytes.length}-byte file` };
  }
  const firstDataBlock = (slotPages * PAGE_SIZE) / BLOCK_SIZE;
  const slots: Slot[] = [];
  for (let at = HEADER_SIZE; at < slotPages * PAGE_SIZE; at += SLOT_SIZE) {
    const slotNo = at / SLOT_SIZE;
    if (view.getUint32(at, true) !== SLOT_MAGIC) {
      skip(`slot ${slotNo} has no slot magic`);
      continue;
    }
    const blockOffset = view.getUint32(at + 8, true);
    if (blockOffset === 0) continue; // a free slot
    const slot: Slot = { slotNo, pkgIdx: view.getUint32(at + 4, true), blockOffset, blockCount: view.getUint32(at + 12, true) };
    if (slot.pkgIdx === 0 || slot.blockCount === 0 || slot.blockOffset < firstDataBlock) {
      skip(`slot ${slotNo} is invalid (package ${slot.pkgIdx}, block ${blockOffset}, ${slot.blockCount} blocks)`);
      continue;
    }
    slots.push(slot);
  }
  slots.sort((a, b) => a.pkgIdx - b.pkgIdx);
  const blobs: Uint8Array[] = [];
  for (const slot of slots) {
    const blob = readBlob(bytes, view, slot);
    if (typeof blob === 'string') skip(blob);
    else blobs.push(blob);
  }
  return { ok: true, blobs };
}
