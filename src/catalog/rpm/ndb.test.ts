import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildNdb, buildPackageBlob } from '../../../test/fixtures/catalog/rpm/make-rpmdb.js';
import { adler32, isNdb, readNdbBlobs } from './ndb.js';

function collect() {
  const skipped: string[] = [];
  return { skipped, skip: (reason: string) => void skipped.push(reason) };
}

const blobs = Array.from({ length: 5 }, (_, i) => buildPackageBlob({ name: `pkg${i}`, version: '1', release: `${i}`, license: 'y'.repeat(i * 97) }));

/** Byte offset of package i's blob in a database from buildNdb with one slot page. */
function blobStart(db: Buffer, i: number): number {
  return db.readUInt32LE(32 + i * 16 + 8) * 16;
}

describe('readNdbBlobs', () => {
  it('computes Adler-32 as RFC 1950 does', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
    expect(adler32(Buffer.alloc(100_000, 0xff))).toBe(0x149a302c) // zlib.adler32;
  });

  it('reads every blob, in package order', () => {
    const db = buildNdb(blobs);
    expect(isNdb(db)).toBe(true);
    const { skipped, skip } = collect();
    const result = readNdbBlobs(db, skip);
    expect(skipped).toEqual([]);
    expect(result.ok && result.blobs.map((b) => Buffer.from(b).toString('hex'))).toEqual(blobs.map((b) => b.toString('hex')));
  });

  it('reads databases with more than one slot page', () => {
    const result = readNdbBlobs(buildNdb(blobs, { slotPages: 3 }), collect().skip);
    expect(result.ok && result.blobs.length).toBe(5);
  });

  it.each<[string, (db: Buffer) => void, RegExp]>([
    ['a checksum mismatch', (db) => db.writeUInt8(db.readUInt8(blobStart(db, 1) + 40) ^ 1, blobStart(db, 1) + 40), /package 2 \(slot 3\): blob checksum mismatch/],
    ['a blob head without magic', (db) => db.write('XXXX', blobStart(db, 1), 'latin1'), /no blob head magic/],
    ['a blob of another package', (db) => db.writeUInt32LE(9, blobStart(db, 1) + 4), /blob belongs to package 9/],
    ['a blob length that does not fit', (db) => db.writeUInt32LE(5000, blobStart(db, 1) + 12), /does not fit its/],
    ['a slot without magic', (db) => db.write('Sxxx', 32 + 16, 'latin1'), /slot 3 has no slot magic/],
    ['a slot pointing into the slot pages', (db) => db.writeUInt32LE(3, 32 + 16 + 8), /slot 3 is invalid/],
    ['a slot pointing past the file', (db) => db.writeUInt32LE(0x7fffffff, 32 + 16 + 8), /runs past the end of the file/],
    ['a slot with a huge block count', (db) => db.writeUInt32LE(0xffffffff, 32 + 16 + 12), /runs past the end of the file/],
  ])('skips one package for %s and reads the rest', (_label, patch, reason) => {
    const db = buildNdb(blobs);
    patch(db);
    const { skipped, skip } = collect();
    const result = readNdbBlobs(db, skip);
    expect(skipped).toEqual([expect.stringMatching(reason)]);
    expect(result.ok && result.blobs.length).toBe(4);
  });

  it.each<[string, (db: Buffer) => Buffer, RegExp]>([
    ['another version', (db) => (db.writeUInt32LE(1, 4), db), /unsupported ndb version 1/],
    ['zero slot pages', (db) => (db.writeUInt32LE(0, 12), db), /0 slot pages/],
    ['more slot pages than the file holds', (db) => (db.writeUInt32LE(0xffffffff, 12), db), /4294967295 slot pages/],
    ['a file cut inside the slot page', (db) => db.subarray(0, 100), /slot pages do not fit/],
    ['no magic', (db) => db.subarray(4), /no ndb/],
  ])('refuses a database with %s', (_label, patch, reason) => {
    const result = readNdbBlobs(patch(buildNdb(blobs)), collect().skip);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('never throws on damaged databases', () => {
    const valid = buildNdb(blobs);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.nat({ max: valid.length }),
        (changes, cut) => {
          const db = Buffer.from(valid);
          for (const [at, value] of changes) if (at >= 4) db[at] = value;
          readNdbBlobs(db.subarray(0, cut), () => {});
          readNdbBlobs(db, () => {});
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 9000 }), (bytes) => {
        const db = Buffer.from(bytes);
        db.write('RpmP', 0, 'latin1');
        readNdbBlobs(db, () => {});
      }),
      { numRuns: 500 },
    );
  });
});
