import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildElf, buildFatMachO, buildMachO, buildPe, type SectionSpec } from '../../../test/fixtures/catalog/binary/make-executable.js';
import { countingBytes } from '../../../test/harness/catalog.js';
import { hasTool } from '../../../test/harness/tools.js';
import { executableFormatOf, readExecutable, type Executable } from './executable.js';
import { executableSniff } from './sniff.js';

const sections: SectionSpec[] = [
  { name: '.text', data: Buffer.from('code code code'), address: 0x401000 },
  { name: '.dep-v0', data: Buffer.from('dependency list'), address: 0x402000, writable: true },
  { name: '.a-long-section-name', data: Buffer.from('long'), address: 0x403000 },
];

async function summary(exe: Executable | undefined) {
  if (!exe) return undefined;
  const named = exe.sections.filter((s) => s.name !== '' && s.name !== '.shstrtab');
  return Promise.all(named.map(async (s) => `${s.name}@${s.address.toString(16)}=${(await exe.sectionData(s)).toString()}`));
}

describe('readExecutable', () => {
  it.each([
    ['ELF64 little-endian', buildElf({ bits: 64, littleEndian: true }, sections)],
    ['ELF64 big-endian', buildElf({ bits: 64, littleEndian: false }, sections)],
    ['ELF32 little-endian', buildElf({ bits: 32, littleEndian: true }, sections)],
    ['ELF32 big-endian', buildElf({ bits: 32, littleEndian: false }, sections)],
    ['PE32+', buildPe(64, 0x400000, sections)],
    ['PE32', buildPe(32, 0x400000, sections)],
    ['Mach-O 64 little-endian', buildMachO({ bits: 64, littleEndian: true }, sections.slice(0, 2))],
    ['Mach-O 32 big-endian', buildMachO({ bits: 32, littleEndian: false }, sections.slice(0, 2))],
  ])('reads section names, addresses and bytes of %s', async (_label, bytes) => {
    const exe = (await readExecutable(bytes))!;
    const expected = ['.text@401000=code code code', '.dep-v0@402000=dependency list', '.a-long-section-name@403000=long'];
    expect(await summary(exe)).toEqual(exe.format === 'macho' ? expected.slice(0, 2) : expected);
    // Addresses resolve through the segments, stopping at a segment's end.
    expect((await exe.readAddress(0x402000 + 11, 100))?.toString()).toBe('list');
    expect(await exe.readAddress(0x500000, 4)).toBeUndefined();
    if (exe.format === 'macho') expect(exe.section('.dep-v0', '__DATA')).toBeDefined();
  });

  it('describes formats, word sizes and byte orders', async () => {
    const describe = async (b: Buffer) => {
      const exe = (await readExecutable(b))!;
      return `${exe.format}/${exe.bits}/${exe.littleEndian ? 'le' : 'be'}`;
    };
    expect(await describe(buildElf({ bits: 32, littleEndian: false }, sections))).toBe('elf/32/be');
    expect(await describe(buildPe(64, 0x140000000, sections))).toBe('pe/64/le');
    expect(await describe(buildMachO({ bits: 64, littleEndian: true }, sections.slice(0, 1)))).toBe('macho/64/le');
  });

  it('takes the first architecture of a universal Mach-O binary', async () => {
    const arm = buildMachO({ bits: 64, littleEndian: true }, [{ name: '.dep-v0', data: Buffer.from('first'), address: 0x1000, writable: true }]);
    const x86 = buildMachO({ bits: 64, littleEndian: true }, [{ name: '.dep-v0', data: Buffer.from('second'), address: 0x1000, writable: true }]);
    const exe = (await readExecutable(buildFatMachO([arm, x86])))!;
    expect((await exe.sectionData(exe.section('.dep-v0')!)).toString()).toBe('first');
    expect((await exe.readAddress(0x1000, 5))?.toString()).toBe('first');
  });

  it('reads ELF segments without section headers', async () => {
    const exe = (await readExecutable(buildElf({ bits: 64, littleEndian: true }, sections, { withSectionHeaders: false })))!;
    expect(exe.sections).toEqual([]);
    expect(exe.segments.map((s) => [s.address, s.writable])).toEqual([
      [0x401000, false],
      [0x402000, true],
      [0x403000, false],
    ]);
  });

  it('rejects what is not an executable, and Java classes that share the fat magic', async () => {
    expect(await readExecutable(Buffer.from('#!/bin/sh\necho hi\n'))).toBeUndefined();
    expect(await readExecutable(Buffer.from('MZ but nothing else'))).toBeUndefined();
    expect(await readExecutable(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))).toBeUndefined();
    expect(executableFormatOf(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]))).toBeUndefined();
    expect(executableFormatOf(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]))).toBe('macho');
  });

  it('never throws on random bytes or damaged executables', async () => {
    const real = [buildElf({ bits: 64, littleEndian: true }, sections), buildPe(32, 0x400000, sections), buildMachO({ bits: 64, littleEndian: false }, sections.slice(0, 2))];
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        await readExecutable(Buffer.from(bytes));
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 12 }), fc.option(fc.nat()), async (base, edits, cut) => {
        const bytes = Buffer.from(base);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const exe = await readExecutable(cut === null ? bytes : bytes.subarray(0, cut % bytes.length));
        if (exe) for (const s of exe.sections) await exe.sectionData(s);
      }),
      { numRuns: 500 },
    );
  });

  it.skipIf(!hasTool('readelf') || !existsSync('/bin/ls'))('agrees with readelf on a real ELF file', async () => {
    const exe = (await readExecutable(readFileSync('/bin/ls')))!;
    const listing = execFileSync('readelf', ['-SW', '/bin/ls'], { encoding: 'utf8' });
    const expected = [...listing.matchAll(/^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/gm)].map(
      ([, name, addr, off, size]) => `${name} ${parseInt(addr!, 16)} ${parseInt(off!, 16)} ${parseInt(size!, 16)}`,
    ).filter((line) => !line.startsWith('NULL '));
    const ours = exe.sections.filter((s) => s.name !== '').map((s) => `${s.name} ${s.address} ${s.offset} ${s.fileSize || parseInt(listing.match(new RegExp(`\\s${s.name.replace(/\./g, '\\.')}\\s+NOBITS\\s+\\S+\\s+\\S+\\s+([0-9a-f]+)`))?.[1] ?? '0', 16)}`);
    expect(ours).toEqual(expected);
  });
});

describe('readExecutable by ranges', () => {
  it('reads the header, the tables and then only the sections asked for', async () => {
    const padded: SectionSpec[] = [
      { name: '.text', data: Buffer.alloc(200_000, 0x90), address: 0x401000 },
      { name: '.dep-v0', data: Buffer.from('dependency list'), address: 0x500000, writable: true },
    ];
    const bytes = countingBytes(buildElf({ bits: 64, littleEndian: true }, padded));
    const exe = (await readExecutable(bytes))!;
    expect(exe.sections.map((s) => s.name)).toContain('.dep-v0');
    const tables = bytes.bytesRead;
    expect(tables).toBeLessThan(8 * 1024);
    expect((await exe.sectionData(exe.section('.dep-v0')!)).toString()).toBe('dependency list');
    expect(bytes.bytesRead - tables).toBe('dependency list'.length);
    expect((await exe.readAddress(0x500000 + 11, 64))?.toString()).toBe('list');
  });

  it('never asks for more than the file holds, whatever its headers claim', async () => {
    const real = [buildElf({ bits: 64, littleEndian: true }, sections), buildElf({ bits: 32, littleEndian: false }, sections), buildPe(64, 0x400000, sections), buildMachO({ bits: 64, littleEndian: true }, sections.slice(0, 2)), buildFatMachO([buildMachO({ bits: 32, littleEndian: false }, sections.slice(0, 2))])];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...real),
        // Overwrite header and table fields with extreme values, often.
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff)), { minLength: 1, maxLength: 24 }),
        fc.option(fc.nat()),
        async (base, edits, cut) => {
          const edited = Buffer.from(base);
          for (const [at, value] of edits) edited[at % Math.min(edited.length, 512)] = value;
          const bytes = countingBytes(cut === null ? edited : edited.subarray(0, cut % edited.length));
          const exe = await readExecutable(bytes);
          if (exe) {
            for (const s of exe.sections) await exe.sectionData(s);
            for (const segment of exe.segments) await exe.readAddress(segment.address, 1 << 30);
          }
          expect(bytes.largestRead).toBeLessThanOrEqual(bytes.size);
          for (const read of bytes.reads) expect(Number.isSafeInteger(read.offset) && read.offset >= 0).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a section table larger than any real one without reading it', async () => {
    const bytes = buildElf({ bits: 64, littleEndian: true }, sections);
    // e_shentsize 0xffff and e_shnum 0xffff: four gigabytes of section headers in a small file.
    bytes.writeUInt16LE(0xffff, 0x3a);
    bytes.writeUInt16LE(0xffff, 0x3c);
    const counted = countingBytes(bytes);
    expect(await readExecutable(counted)).toBeUndefined();
    expect(counted.largestRead).toBeLessThanOrEqual(bytes.length);
  });

  it.skipIf(!existsSync('/bin/ls'))('reads a real ELF file\'s tables in a few kilobytes', async () => {
    const bytes = countingBytes(readFileSync('/bin/ls'));
    const exe = (await readExecutable(bytes))!;
    expect(exe.sections.length).toBeGreaterThan(20);
    expect(bytes.reads.length).toBeLessThanOrEqual(3);
    expect(bytes.bytesRead).toBeLessThan(16 * 1024);
    expect(bytes.bytesRead).toBeLessThan(bytes.size / 8);
  });
});

describe('executableSniff', () => {
  const candidate = (path: string, mode: number, size = 1000) => executableSniff.candidate({ path, mode, size });
  it('offers files with an execute bit or an .exe name, up to 512 MB', () => {
    expect(candidate('/usr/bin/app', 0o755)).toBe(true);
    expect(candidate('/srv/app.EXE', 0o644)).toBe(true);
    expect(candidate('/etc/passwd', 0o644)).toBe(false);
    expect(candidate('/usr/bin/huge', 0o755, 513 * 1024 * 1024)).toBe(false);
    expect(candidate('/usr/bin/empty', 0o755, 0)).toBe(false);
  });
  it('rules out data and build files by name, without asking for their mode or size', () => {
    const asked: string[] = [];
    const unstatted = (path: string) => ({
      path,
      get mode() {
        asked.push(path);
        return 0o755;
      },
      get size() {
        asked.push(path);
        return 1000;
      },
    });
    for (const path of ['/usr/lib/erlang/lib/kernel/ebin/file.beam', '/usr/lib/x86_64-linux-gnu/libc.a', '/usr/lib/systemd/system/ssh.service', '/usr/lib/jvm/jmods/java.base.jmod']) {
      expect(executableSniff.candidate(unstatted(path))).toBe(false);
    }
    expect(asked).toEqual([]);
    // Shared libraries and versioned names are still looked at: Go builds them too (-buildmode=c-shared).
    expect(executableSniff.candidate(unstatted('/usr/lib/x86_64-linux-gnu/libplugin.so'))).toBe(true);
    expect(executableSniff.candidate(unstatted('/usr/lib/x86_64-linux-gnu/libssl.so.3'))).toBe(true);
  });
  it('tests the magic of ELF, PE and Mach-O files', () => {
    expect(executableSniff.test(Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'))).toBe(true);
    expect(executableSniff.test(Buffer.from('MZ\x90\x00', 'latin1'))).toBe(true);
    expect(executableSniff.test(Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]))).toBe(true);
    expect(executableSniff.test(Buffer.from('#!/bin/sh'))).toBe(false);
  });
});
