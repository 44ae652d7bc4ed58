import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBdbHash, buildPackageBlob } from '../../../test/fixtures/catalog/rpm/make-rpmdb.js';
import { isBdbHash, readBdbHashBlobs } from './bdb.js';
import { parseRpmHeader } from './header.js';

const sharedRpm = fileURLToPath(new URL('../../../../shared/data/os-package-dbs/rpm/testdata/', import.meta.url));

function collect() {
  const skipped: string[] = [];
  return { skipped, skip: (reason: string) => void skipped.push(reason) };
}

function names(blobs: Uint8Array[]): string[] {
  return blobs.map((blob) => {
    const parsed = parseRpmHeader(blob);
    return parsed.ok ? parsed.header.name : `!${parsed.reason}`;
  });
}

/** Blobs of growing size: small ones stay on the hash page, big ones overflow. */
const blobs = Array.from({ length: 12 }, (_, i) =>
  buildPackageBlob({ name: `pkg${i}`, version: '1', release: '1', license: 'x'.repeat(i * 300) }),
);

function hasRpm(): boolean {
  try {
    execFileSync('rpm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('readBdbHashBlobs', () => {
  it.each([
    ['little-endian, 4 KiB pages, one bucket', { littleEndian: true }],
    ['big-endian, 4 KiB pages, one bucket', { littleEndian: false }],
    ['little-endian, 512-byte pages, four buckets', { littleEndian: true, pageSize: 512, buckets: 4 }],
    ['big-endian, 1 KiB pages, eight buckets', { littleEndian: false, pageSize: 1024, buckets: 8 }],
    ['64 KiB pages, everything inline', { pageSize: 65536, overflowOver: 65536 }],
  ])('reads every value of a %s database, inline and overflowed', (_label, options) => {
    const db = buildBdbHash(blobs, options);
    expect(isBdbHash(db)).toBe(true);
    const { skipped, skip } = collect();
    const result = readBdbHashBlobs(db, skip);
    expect(skipped).toEqual([]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(names(result.blobs).sort()).toEqual(blobs.map((_, i) => `pkg${i}`).sort());
    expect(result.blobs.map((b) => Buffer.from(b).toString('hex')).sort()).toEqual(blobs.map((b) => b.toString('hex')).sort());
  });

  it('skips rpm\'s counter record under key 0', () => {
    const result = readBdbHashBlobs(buildBdbHash(blobs.slice(0, 2), { counter: true }), collect().skip);
    expect(result.ok && result.blobs.length).toBe(2);
  });

  it.each<[string, (db: Buffer) => void, RegExp]>([
    ['a bad version', (db) => db.writeUInt32LE(3, 16), /unsupported Berkeley DB hash version 3/],
    ['a page size that is no power of two', (db) => db.writeUInt32LE(1000, 20), /invalid page size 1000/],
    ['encryption', (db) => (db[24] = 1), /encrypted/],
    ['a metadata page of another type', (db) => (db[25] = 9), /not hash metadata/],
    ['more buckets than pages', (db) => db.writeUInt32LE(0xffffffff, 72), /max bucket 4294967295/],
  ])('refuses a database with %s', (_label, patch, reason) => {
    const db = buildBdbHash(blobs.slice(0, 2));
    patch(db);
    const result = readBdbHashBlobs(db, collect().skip);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('refuses a file too short for its metadata page', () => {
    const result = readBdbHashBlobs(buildBdbHash([]).subarray(0, 100), collect().skip);
    expect(result.ok ? '' : result.reason).toMatch(/too short/);
  });

  it('reports a truncated file and keeps the values it can read', () => {
    const db = buildBdbHash(blobs, { pageSize: 512 });
    const { skipped, skip } = collect();
    const result = readBdbHashBlobs(db.subarray(0, db.length - 512 * 3), skip);
    expect(result.ok).toBe(true);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.join('\n')).toMatch(/truncated/);
    expect(result.ok && result.blobs.length).toBeLessThan(blobs.length);
  });

  it('stops an overflow chain that loops back on itself', () => {
    const db = buildBdbHash([blobs[11]!], { pageSize: 512, counter: false });
    // The value overflows onto pages 2, 3, …; point page 3 back at page 2.
    expect(db[2 * 512 + 25]).toBe(7);
    db.writeUInt32LE(2, 3 * 512 + 16);
    const { skipped, skip } = collect();
    const result = readBdbHashBlobs(db, skip);
    expect(result.ok && result.blobs).toEqual([]);
    expect(skipped).toEqual([expect.stringMatching(/loops back to page 2/)]);
  });

  it('stops a hash page chain that loops', () => {
    const db = buildBdbHash(blobs.slice(0, 2), { pageSize: 512, overflowOver: 0 });
    db.writeUInt32LE(1, 512 + 16); // bucket 0's page names itself as the next page
    const { skipped, skip } = collect();
    const result = readBdbHashBlobs(db, skip);
    expect(result.ok && result.blobs.length).toBe(2);
    expect(skipped).toEqual([expect.stringMatching(/reaches page 1 a second time/)]);
  });

  it('reports entries whose offsets or lengths lie', () => {
    const db = buildBdbHash(blobs.slice(0, 1), { pageSize: 4096, counter: false });
    db.writeUInt16LE(9000 & 0xffff, 4096 + 26 + 2); // the value's offset, past the page
    const { skipped, skip } = collect();
    expect(readBdbHashBlobs(db, skip)).toEqual({ ok: true, blobs: [] });
    expect(skipped).toEqual([expect.stringMatching(/page 1 entry 1 spans/)]);
  });

  it('never throws on random bytes behind a valid magic', () => {
    const valid = buildBdbHash(blobs.slice(0, 6), { pageSize: 512, buckets: 2 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.nat({ max: valid.length }),
        (changes, cut) => {
          const db = Buffer.from(valid);
          for (const [at, value] of changes) if (at < 12 || at > 15) db[at] = value;
          readBdbHashBlobs(db.subarray(0, cut), () => {});
          readBdbHashBlobs(db, () => {});
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 4096 }), fc.boolean(), (bytes, littleEndian) => {
        const db = Buffer.from(bytes);
        if (littleEndian) db.writeUInt32LE(0x061561, 12);
        else db.writeUInt32BE(0x061561, 12);
        readBdbHashBlobs(db, () => {});
      }),
      { numRuns: 1000 },
    );
  });

  describe.skipIf(!existsSync(`${sharedRpm}Packages_epoch`))('on the real Berkeley DB database Packages_epoch', () => {
    const bytes = () => readFileSync(`${sharedRpm}Packages_epoch`);

    it('finds the one package rpm lists in it', () => {
      const { skipped, skip } = collect();
      const result = readBdbHashBlobs(bytes(), skip);
      expect(skipped).toEqual([]);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.blobs.map(parseRpmHeader)).toEqual([
        {
          ok: true,
          header: {
            name: 'hello',
            version: '0.0.1',
            release: 'rls',
            epoch: 1,
            arch: 'x86_64',
            license: 'GPL',
            sourceRpm: 'hello-0.0.1-rls.src.rpm',
            size: expect.any(Number),
          },
        },
      ]);
    });

    it.skipIf(!hasRpm())('agrees with rpm -qa through rpm\'s bdb_ro backend', () => {
      const dbPath = mkdtempSync(join(tmpdir(), 'vigil-rpm-bdb-'));
      try {
        copyFileSync(`${sharedRpm}Packages_epoch`, join(dbPath, 'Packages'));
        const printed = execFileSync(
          'rpm',
          ['-qa', '--dbpath', dbPath, '--define', '_db_backend bdb_ro', '--qf', '%{NAME}|%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SOURCERPM}|%{LICENSE}|%{SIZE}\\n'],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
        );
        const result = readBdbHashBlobs(bytes(), () => {});
        const ours = (result.ok ? result.blobs : []).map((blob) => {
          const parsed = parseRpmHeader(blob);
          if (!parsed.ok) return parsed.reason;
          const h = parsed.header;
          return [h.name, h.epoch ?? '(none)', h.version, h.release, h.arch, h.sourceRpm, h.license, h.size].join('|');
        });
        expect(ours.sort()).toEqual(printed.trim().split('\n').sort());
      } finally {
        rmSync(dbPath, { recursive: true, force: true });
      }
    });
  });
});
