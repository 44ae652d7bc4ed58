/**
 * The ranged zip reader against yauzl, which the java-archive cataloger used before: on the same
 * archives, damaged or not, both must list the same entries (or find the same damage) and read
 * the same bytes (or both refuse). Then what ranges buy: a large archive is read in slivers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { countingBytes } from '../../../test/harness/catalog.js';
import { hasTool } from '../../../test/harness/tools.js';
import { writeZip, zipDir, zipFile, type ZipEntrySpec } from '../../../test/harness/zip-writer.js';
import { nextZipEntry } from '../../archive/yauzl.js';
import { bufferBytes } from '../random-access-bytes.js';
import { hashEntryName, isUnsafeEntryName, RangedZip, ZipFormatError } from './ranged-zip.js';

/** What a reader makes of an archive: its entries and their bytes, or where it gave up. */
interface Reading {
  opened: boolean;
  names: string[];
  rejected: string[];
  damagedAfter?: number;
  contents: string[];
}

const describeBytes = (bytes: Buffer | undefined) => (bytes ? `ok ${bytes.toString('base64')}` : 'refused');

/** The reference: yauzl as the java-archive cataloger used it (lazy entries, raw names, sizes validated, CRC checked). */
async function readWithYauzl(bytes: Buffer): Promise<Reading> {
  const reading: Reading = { opened: false, names: [], rejected: [], contents: [] };
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (error, z) => (error ? reject(error) : resolve(z!))),
    );
  } catch {
    return reading;
  }
  zip.on('error', () => undefined);
  reading.opened = true;
  const seen = new Set<string>();
  const kept: yauzl.Entry[] = [];
  for (let index = 0; ; index++) {
    let entry: yauzl.Entry | undefined;
    try {
      entry = await nextZipEntry(zip);
    } catch {
      reading.damagedAfter = index;
      break;
    }
    if (!entry) break;
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
    if (name.endsWith('/')) continue;
    if (isUnsafeEntryName(name) || seen.has(name)) {
      reading.rejected.push(name);
      continue;
    }
    seen.add(name);
    reading.names.push(name);
    kept.push(entry);
  }
  for (const entry of kept) {
    let content: Buffer | undefined;
    try {
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s!))));
      const chunks: Buffer[] = [];
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
      const all = Buffer.concat(chunks);
      content = all.length <= entry.uncompressedSize && crc32(all) >>> 0 === entry.crc32 >>> 0 ? all : undefined;
    } catch {
      content = undefined;
    }
    reading.contents.push(describeBytes(content));
  }
  zip.close();
  return reading;
}

async function readRanged(bytes: Buffer): Promise<Reading> {
  const reading: Reading = { opened: false, names: [], rejected: [], contents: [] };
  let zip: RangedZip;
  try {
    zip = await RangedZip.open(bufferBytes(bytes));
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    return reading;
  }
  reading.opened = true;
  const { entries, problem } = await zip.listEntries(Number.MAX_SAFE_INTEGER, (_reason, name) => void reading.rejected.push(name));
  if (problem) reading.damagedAfter = Number(/after (\d+) entries/.exec(problem.message)![1]);
  reading.names = entries.map((entry) => entry.name);
  for (const entry of entries) {
    let content: Buffer | undefined;
    try {
      content = await zip.readEntry(entry);
    } catch (error) {
      if (!(error instanceof ZipFormatError)) throw error;
    }
    reading.contents.push(describeBytes(content));
  }
  return reading;
}

const text = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `line ${i} of the entry\n`).join(''));

/** Archives with what jars hold and what hostile ones do: both methods, odd names, a comment, a launch script. */
const samples: Buffer[] = [
  writeZip([
    zipDir('META-INF'),
    zipFile('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\r\nImplementation-Version: 1.2\r\n'),
    zipFile('META-INF/maven/g/a/pom.properties', 'groupId=g\nartifactId=a\nversion=1\n', { method: 'store' }),
    zipFile('BOOT-INF/lib/inner.jar', writeZip([zipFile('x.class', text(20))]), { method: 'store' }),
    zipFile('com/example/A.class', text(200)),
  ]),
  writeZip(
    [
      { name: Buffer.from('caf\x82/na\x8bve.txt', 'latin1'), data: 'cp437 name' },
      zipFile('windows\\style\\path.txt', 'backslashes'),
      zipFile('ünïcode/名前.txt', 'utf-8 name'),
      zipFile('../escape.txt', 'unsafe'),
      zipFile('dup.txt', 'first'),
      zipFile('dup.txt', 'second'),
      zipFile('empty.txt', ''),
    ],
    { comment: 'an archive comment' },
  ),
  writeZip([zipFile('a.txt', text(50)), zipFile('b.bin', Buffer.alloc(3000, 7), { method: 'store' })], { prefix: Buffer.from('#!/bin/sh\nexec java -jar "$0"\n') }),
  // Comments that put the end record out of the last kilobyte, or just inside it.
  writeZip([zipFile('a.txt', text(5))], { comment: 'c'.repeat(3000) }),
  writeZip([zipFile('a.txt', text(5))], { comment: 'c'.repeat(1024 - 22 - 10) }),
  writeZip([
    zipFile('liar.txt', text(40), { declaredSize: 10 }),
    zipFile('bad-crc.txt', 'hello', { declaredCrc: 1 }),
    zipFile('encrypted.txt', 'secret', { encrypted: true }),
    zipFile('lzma.txt', 'xx', { methodNumber: 14 }),
    zipFile('fine.txt', 'fine'),
  ]),
];

/** A zip64 archive as large-archive writers produce it: sizes and offsets in the zip64 field, then zip64 end records. */
function writeZip64(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name);
    const compressed = deflateRawSync(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(45, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data) >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const extra = Buffer.alloc(4 + 24);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(data.length), 4);
    extra.writeBigUInt64LE(BigInt(compressed.length), 12);
    extra.writeBigUInt64LE(BigInt(offset), 20);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 45, 4);
    central.writeUInt16LE(45, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data) >>> 0, 16);
    central.writeUInt32LE(0xffffffff, 20);
    central.writeUInt32LE(0xffffffff, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(0xffffffff, 42);
    parts.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes, extra);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end64 = Buffer.alloc(56);
  end64.writeUInt32LE(0x06064b50, 0);
  end64.writeBigUInt64LE(44n, 4);
  end64.writeUInt16LE(45, 12);
  end64.writeUInt16LE(45, 14);
  end64.writeBigUInt64LE(BigInt(entries.length), 24);
  end64.writeBigUInt64LE(BigInt(entries.length), 32);
  end64.writeBigUInt64LE(BigInt(directory.length), 40);
  end64.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([...parts, directory, end64, locator, end]);
}

describe('RangedZip reads what yauzl reads', () => {
  it.each(samples.map((bytes, index) => [index, bytes] as const))('sample %i: the same entries, names and bytes', async (_index, bytes) => {
    const reference = await readWithYauzl(bytes);
    expect(reference.opened).toBe(true);
    expect(await readRanged(bytes)).toEqual(reference);
  });

  it('decodes names as yauzl does: cp437, UTF-8 by the flag, backslashes as slashes; sets aside unsafe and duplicate names', async () => {
    const { names, rejected } = await readRanged(samples[1]!);
    expect(names).toEqual(['café/naïve.txt', 'windows/style/path.txt', 'ünïcode/名前.txt', 'dup.txt', 'empty.txt']);
    expect(rejected).toEqual(['../escape.txt', 'dup.txt']);
  });

  it('tells apart different names that share a hash, and finds duplicates among them and across spellings', async () => {
    // Two class names with one hash, found as a fat jar's names would be met.
    const byHash = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const name = `com/example/C${i}.class`;
      const other = byHash.get(hashEntryName(name));
      if (other !== undefined) pair = [other, name];
      else byHash.set(hashEntryName(name), name);
    }
    const [a, b] = pair;
    const bytes = writeZip([
      zipFile(a, 'a'),
      zipFile(b, 'b'),
      zipFile(b, 'b again'),
      zipFile(a, 'a again'),
      zipFile('dir/x.txt', 'slash'),
      zipFile('dir\\x.txt', 'backslash'),
      zipFile('naïve.txt', 'utf-8'),
      { name: Buffer.from('na\x8bve.txt', 'latin1'), data: 'cp437' },
    ]);
    const reading = await readRanged(bytes);
    expect(reading).toEqual(await readWithYauzl(bytes));
    expect(reading.names).toEqual([a, b, 'dir/x.txt', 'naïve.txt']);
    expect(reading.rejected).toEqual([b, a, 'dir/x.txt', 'naïve.txt']);
  });

  it('lists the same entries when a first look at the name bytes turns most away', async () => {
    const part = fc.constantFrom('META-INF', 'maven', 'g', 'a', 'pom.xml', 'MANIFEST.MF', 'x.jar', 'X.JaR', '.ear', 'é', '..', '');
    const name = fc.array(part, { minLength: 1, maxLength: 5 }).chain((parts) => fc.constantFrom(parts.join('/'), parts.join('\\')));
    await fc.assert(
      fc.asyncProperty(fc.array(name, { maxLength: 12 }), async (names) => {
        const zip = await RangedZip.open(bufferBytes(writeZip(names.map((n) => zipFile(n, n)))));
        const wanted = (n: string) => n.length % 3 === 0 || n.endsWith('.jar');
        // True for every name `wanted` may accept: of a length divisible by 3, or ending in "jar".
        const mayWant = (bytes: Buffer, start: number, end: number) => (end - start) % 3 === 0 || bytes.toString('latin1', end - 3, end) === 'jar';
        const rejectedWith: string[] = [];
        const rejectedWithout: string[] = [];
        const withLook = await zip.listEntries(100, (_r, n) => void rejectedWith.push(n), wanted, mayWant);
        const without = await zip.listEntries(100, (_r, n) => void rejectedWithout.push(n), wanted);
        expect(withLook).toEqual(without);
        expect(rejectedWith).toEqual(rejectedWithout);
      }),
      { numRuns: 300 },
    );
  });

  it('reads zip64 archives: sizes, offsets and the entry count from the zip64 records', async () => {
    const bytes = writeZip64([
      { name: 'META-INF/MANIFEST.MF', data: Buffer.from('Manifest-Version: 1.0\r\n') },
      { name: 'big.txt', data: text(1000) },
    ]);
    const reference = await readWithYauzl(bytes);
    expect(reference.names).toEqual(['META-INF/MANIFEST.MF', 'big.txt']);
    expect(await readRanged(bytes)).toEqual(reference);
  });

  it('agrees with yauzl on archives with bytes overwritten or cut short', async () => {
    const all = [...samples, writeZip64([{ name: 'a', data: text(30) }])];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...all),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { freq: 4 }),
        async (base, edits, cut) => {
          const bytes = Buffer.from(base);
          // Most edits land in the central directory and end records, where the structure is.
          for (const [at, value] of edits) bytes[at % 3 === 0 ? at % bytes.length : bytes.length - 1 - (at % Math.min(bytes.length, 400))] = value;
          const damaged = cut === null ? bytes : bytes.subarray(0, cut % bytes.length);
          expect(await readRanged(damaged)).toEqual(await readWithYauzl(damaged));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('finds unsafe names as the plain regular expression does', () => {
    const reference = /^\/|^[A-Za-z]:|(?:^|\/)\.\.(?:\/|$)|\0/;
    const name = fc.array(fc.constantFrom('/', '.', '..', 'a', 'Z', '@', '[', ':', '\0', 'é', '\\'), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(name, (n) => {
        expect(isUnsafeEntryName(n), JSON.stringify(n)).toBe(reference.test(n));
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws anything but ZipFormatError on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        await readRanged(Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
  });
});

describe('RangedZip reads by ranges', () => {
  it('lists a large archive and reads one entry without reading the rest', async () => {
    const bytes = writeZip([
      ...Array.from({ length: 40 }, (_, i) => zipFile(`com/example/C${i}.class`, Buffer.alloc(100_000, i), { method: 'store' })),
      zipFile('META-INF/maven/g/a/pom.properties', 'groupId=g\nartifactId=a\nversion=1\n'),
    ]);
    const counted = countingBytes(bytes);
    const zip = await RangedZip.open(counted);
    const { entries } = await zip.listEntries(1000, () => undefined, (name) => name.startsWith('META-INF/'));
    expect(entries.map((e) => e.name)).toEqual(['META-INF/maven/g/a/pom.properties']);
    expect((await zip.readEntry(entries[0]!)).toString()).toContain('version=1');
    expect(counted.bytesRead).toBeLessThan(80 * 1024);
    expect(counted.size).toBeGreaterThan(4_000_000);
  });

  it('reads no more compressed bytes than a deflater could write for what an entry declares', async () => {
    // An entry declaring 10 bytes whose compressed size claims the whole rest of the archive.
    const filler = zipFile('filler.bin', Buffer.alloc(300_000, 1), { method: 'store' });
    const bytes = writeZip([zipFile('small.txt', 'ten bytes!'), filler]);
    const central = bytes.indexOf(Buffer.from('PK\u0001\u0002', 'latin1'));
    bytes.writeUInt32LE(bytes.length - 100, central + 20);
    const counted = countingBytes(bytes);
    const zip = await RangedZip.open(counted);
    const { entries } = await zip.listEntries(10, () => undefined);
    expect((await zip.readEntry(entries.find((e) => e.name === 'small.txt')!)).toString()).toBe('ten bytes!');
    expect(counted.largestRead).toBeLessThan(100 * 1024);
  });

  it('passes on errors reading the bytes themselves, which are no damage of the archive', async () => {
    const failing = { size: 1000, readRange: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) };
    await expect(RangedZip.open(failing)).rejects.toMatchObject({ code: 'EIO' });
  });
});

describe.skipIf(!hasTool('zip'))('RangedZip on archives Info-ZIP zip writes', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigil-ranged-zip-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads a zip64 archive streamed from stdin, and names with the Unicode path field, as yauzl does', async () => {
    writeFileSync(join(work, 'grüße.txt'), 'hello');
    execFileSync('zip', ['-q', '-X', join(work, 'named.zip'), 'grüße.txt'], { cwd: work });
    // zip writes zip64 records for an entry streamed from stdin, whose size it cannot know up front.
    execFileSync('sh', ['-c', `printf 'streamed bytes' | zip -q ${join(work, 'streamed.zip')} -`]);
    for (const name of ['named.zip', 'streamed.zip']) {
      const bytes = readFileSync(join(work, name));
      const reference = await readWithYauzl(bytes);
      expect(reference.names.length).toBe(1);
      expect(await readRanged(bytes)).toEqual(reference);
    }
  });
});
