/**
 * @module Reads the section and segment tables of ELF, PE and Mach-O executables, so catalogers
 * can find data that build tools embed in binaries (Go build info, cargo-auditable's dependency
 * list). It reads ranges, not whole files: the header, then the tables it points to, then only
 * the bytes of the sections a cataloger asks for, so a 200 MB program costs a few reads of a few
 * kilobytes. Every offset and length taken from the file is checked against the file's size;
 * anything out of bounds is "not an executable", never a throw or a huge allocation.
 * @see https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.sheader.html
 * @see https://learn.microsoft.com/en-us/windows/win32/debug/pe-format
 * @see https://github.com/apple-oss-distributions/xnu/blob/main/EXTERNAL_HEADERS/mach-o/loader.h
 */

import { bufferBytes, type RandomAccessBytes } from '../random-access-bytes.js';

export type ExecutableFormat = 'elf' | 'pe' | 'macho';

/** A named section and where its bytes are in the file. */
export interface ExecutableSection {
  name: string;
  /** Mach-O only: the segment the section belongs to (`__DATA`). */
  segment?: string;
  /** Virtual address the section is loaded at (PE: image base included). */
  address: number;
  /** File offset of the section's bytes (relative to the whole file, fat Mach-O included). */
  offset: number;
  /** Bytes present in the file (0 for sections that take no file space, like .bss). */
  fileSize: number;
  /** ELF sh_flags, PE Characteristics, Mach-O section flags. */
  flags: number;
}

/** A range of virtual addresses backed by bytes of the file. */
export interface ExecutableSegment {
  name?: string;
  address: number;
  offset: number;
  fileSize: number;
  writable: boolean;
}

export interface Executable {
  format: ExecutableFormat;
  bits: 32 | 64;
  littleEndian: boolean;
  /** PE only: the preferred load address added to every section's relative address. */
  imageBase?: number;
  sections: ExecutableSection[];
  /** ELF: PT_LOAD program headers; Mach-O: segments; PE: sections (there are no other segments). */
  segments: ExecutableSegment[];
  /** The bytes of a section (empty when it takes no file space), clipped to the file. */
  sectionData(section: ExecutableSection): Promise<Buffer>;
  /** The first section with this name (and, for Mach-O, segment if given). */
  section(name: string, segment?: string): ExecutableSection | undefined;
  /**
   * Up to `length` bytes at a virtual address, as the loader would map them (stopping at the end
   * of the segment holding the address, and at the end of the file); undefined when no segment
   * holds it.
   */
  readAddress(address: number, length: number): Promise<Buffer | undefined>;
}

/** Which executable format a file's first bytes announce, if any. */
export function executableFormatOf(header: Buffer): ExecutableFormat | undefined {
  if (header.length >= 4 && header.readUInt32BE(0) === 0x7f454c46) return 'elf';
  if (header.length >= 2 && header[0] === 0x4d && header[1] === 0x5a) return 'pe';
  if (header.length >= 4) {
    const magic = header.readUInt32BE(0);
    if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic)) return 'macho';
    // Universal ("fat") binaries share 0xcafebabe with Java class files, whose next four bytes
    // are the class version (45 and up); a fat header's are the number of architectures.
    if (magic === 0xcafebabe || magic === 0xcafebabf) {
      if (header.length < 8) return 'macho';
      const count = header.readUInt32BE(4);
      if (count > 0 && count < 40) return 'macho';
    }
  }
  return undefined;
}

/** Thrown by every read outside the bytes at hand; turns into "not an executable". */
class OutOfBounds extends Error {}

/** Limits on table sizes, so a hostile header cannot make us loop for long. */
const MAX_ENTRIES = 65_536;
/**
 * The most bytes read for one table (section or program headers, load commands, section
 * names). Real tables are kilobytes (65,536 ELF sections take 4 MiB); a header claiming more
 * makes the file unreadable rather than a large allocation.
 */
const MAX_TABLE_BYTES = 16 * 1024 * 1024;
/** Read first: every format's header, and in practice its tables too (ELF's program headers, PE's sections). */
const HEAD_BYTES = 4096;

/**
 * Some bytes of the file, [base, base + bytes.length), read with one endianness; every read
 * outside them throws OutOfBounds. Offsets are the file's own, so table entries can be followed
 * without arithmetic at each use.
 */
class Window {
  constructor(
    readonly base: number,
    readonly bytes: Buffer,
    readonly littleEndian: boolean,
  ) {}
  /** The same bytes read with another endianness. */
  as(littleEndian: boolean): Window {
    return littleEndian === this.littleEndian ? this : new Window(this.base, this.bytes, littleEndian);
  }
  holds(offset: number, size: number): boolean {
    return Number.isSafeInteger(offset) && offset >= this.base && offset - this.base + size <= this.bytes.length;
  }
  private at(offset: number, size: number): number {
    if (!this.holds(offset, size)) throw new OutOfBounds();
    return offset - this.base;
  }
  u8(offset: number): number {
    return this.bytes[this.at(offset, 1)]!;
  }
  u16(offset: number): number {
    const i = this.at(offset, 2);
    return this.littleEndian ? this.bytes.readUInt16LE(i) : this.bytes.readUInt16BE(i);
  }
  u32(offset: number): number {
    const i = this.at(offset, 4);
    return this.littleEndian ? this.bytes.readUInt32LE(i) : this.bytes.readUInt32BE(i);
  }
  /** A 64-bit value as a number; values past 2^53 lose precision, which only makes lookups miss. */
  u64(offset: number): number {
    const i = this.at(offset, 8);
    return Number(this.littleEndian ? this.bytes.readBigUInt64LE(i) : this.bytes.readBigUInt64BE(i));
  }
  /** A NUL-terminated (or field-bounded) Latin-1 string. */
  cString(offset: number, max = 4096): string {
    const start = this.at(offset, 0);
    const end = Math.min(this.bytes.length, start + max);
    let stop = start;
    while (stop < end && this.bytes[stop] !== 0) stop++;
    return this.bytes.toString('latin1', start, stop);
  }
}

/** For `.catch`: an OutOfBounds read gives `value`; any other error (an I/O error) goes on. */
function outOfBoundsAs<T>(value: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof OutOfBounds) return value;
    throw error;
  };
}

/** The file being read: its first bytes, and more of it on request, each request clamped to the file. */
class ExecutableFile {
  private constructor(
    private readonly source: RandomAccessBytes,
    readonly head: Window,
  ) {}

  static async open(source: RandomAccessBytes): Promise<ExecutableFile> {
    const head = await source.readRange(0, Math.min(HEAD_BYTES, source.size));
    return new ExecutableFile(source, new Window(0, head, true));
  }

  get size(): number {
    return this.source.size;
  }

  /**
   * The bytes [offset, offset + length) as a window, clipped to the file and to MAX_TABLE_BYTES
   * (reads past what was clipped then throw). An offset past the end of the file throws now.
   */
  async window(offset: number, length: number, littleEndian: boolean): Promise<Window> {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.size) throw new OutOfBounds();
    const wanted = Math.max(0, Math.min(length, MAX_TABLE_BYTES, this.size - offset));
    if (this.head.holds(offset, wanted)) return new Window(offset, this.head.bytes.subarray(offset, offset + wanted), littleEndian);
    return new Window(offset, await this.source.readRange(offset, wanted), littleEndian);
  }

  /** Up to `size` bytes at `offset`, clipped to the file; empty when none are there. */
  async bytesAt(offset: number, size: number): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || !Number.isFinite(size) || offset < 0 || size <= 0 || offset >= this.size) return Buffer.alloc(0);
    return this.source.readRange(offset, Math.min(size, this.size - offset));
  }
}

function makeExecutable(file: ExecutableFile, base: Omit<Executable, 'sectionData' | 'section' | 'readAddress'>): Executable {
  return {
    ...base,
    sectionData: (section) => file.bytesAt(section.offset, section.fileSize),
    section: (name, segment) => base.sections.find((s) => s.name === name && (segment === undefined || s.segment === segment)),
    async readAddress(address, length) {
      for (const segment of base.segments) {
        if (segment.fileSize <= 0 || address < segment.address || address >= segment.address + segment.fileSize) continue;
        const skip = address - segment.address;
        return file.bytesAt(segment.offset + skip, Math.min(length, segment.fileSize - skip));
      }
      return undefined;
    },
  };
}

async function readElf(file: ExecutableFile): Promise<Executable | undefined> {
  const elfClass = file.head.u8(4);
  const data = file.head.u8(5);
  if ((elfClass !== 1 && elfClass !== 2) || (data !== 1 && data !== 2)) return undefined;
  const bits = elfClass === 2 ? 64 : 32;
  const littleEndian = data === 1;
  const h = file.head.as(littleEndian);
  const phoff = bits === 64 ? h.u64(0x20) : h.u32(0x1c);
  const shoff = bits === 64 ? h.u64(0x28) : h.u32(0x20);
  const at = bits === 64 ? 0x36 : 0x2a;
  const phentsize = h.u16(at);
  let phnum = h.u16(at + 2);
  const shentsize = h.u16(at + 4);
  let shnum = h.u16(at + 6);
  let shstrndx = h.u16(at + 8);

  const segments: ExecutableSegment[] = [];
  const sections: ExecutableSection[] = [];
  const sectionAt = (table: Window, index: number) => {
    const o = shoff + index * shentsize;
    return bits === 64
      ? { name: table.u32(o), type: table.u32(o + 4), flags: table.u64(o + 8), addr: table.u64(o + 16), offset: table.u64(o + 24), size: table.u64(o + 32), link: table.u32(o + 40) }
      : { name: table.u32(o), type: table.u32(o + 4), flags: table.u32(o + 8), addr: table.u32(o + 12), offset: table.u32(o + 16), size: table.u32(o + 20), link: table.u32(o + 24) };
  };
  if (shoff !== 0 && shentsize >= (bits === 64 ? 64 : 40)) {
    // More than 0xff00 sections: the count and the name table index move into section 0.
    if (shnum === 0 || shstrndx === 0xffff || phnum === 0xffff) {
      const first = await file.window(shoff, shentsize, littleEndian);
      if (shnum === 0) shnum = sectionAt(first, 0).size;
      if (shstrndx === 0xffff) shstrndx = sectionAt(first, 0).link;
      if (phnum === 0xffff) phnum = first.u32(shoff + (bits === 64 ? 44 : 28)); // PN_XNUM: sh_info of section 0
    }
    shnum = Math.min(shnum, MAX_ENTRIES);
    const table = await file.window(shoff, shnum * shentsize, littleEndian);
    const names = shstrndx < shnum ? sectionAt(table, shstrndx) : undefined;
    // Names past the end of the file are empty, as they are when the table is cut short.
    const nameTable = names ? await file.window(names.offset, names.size, littleEndian).catch(outOfBoundsAs(undefined)) : undefined;
    for (let i = 0; i < shnum; i++) {
      const s = sectionAt(table, i);
      let name = '';
      if (names && nameTable && s.name < names.size) {
        try {
          name = nameTable.cString(names.offset + s.name, Math.min(4096, names.size - s.name));
        } catch {
          name = '';
        }
      }
      const nobits = s.type === 8; // SHT_NOBITS
      sections.push({ name, address: s.addr, offset: s.offset, fileSize: nobits || s.type === 0 ? 0 : s.size, flags: s.flags });
    }
  }
  if (phoff !== 0 && phentsize >= (bits === 64 ? 56 : 32)) {
    const count = Math.min(phnum, MAX_ENTRIES);
    const table = await file.window(phoff, count * phentsize, littleEndian);
    for (let i = 0; i < count; i++) {
      const o = phoff + i * phentsize;
      const type = table.u32(o);
      if (type !== 1) continue; // PT_LOAD
      const seg =
        bits === 64
          ? { flags: table.u32(o + 4), offset: table.u64(o + 8), vaddr: table.u64(o + 16), filesz: table.u64(o + 32) }
          : { offset: table.u32(o + 4), vaddr: table.u32(o + 8), filesz: table.u32(o + 16), flags: table.u32(o + 24) };
      segments.push({ address: seg.vaddr, offset: seg.offset, fileSize: seg.filesz, writable: (seg.flags & 2) !== 0 });
    }
  }
  return makeExecutable(file, { format: 'elf', bits, littleEndian, sections, segments });
}

async function readPe(file: ExecutableFile): Promise<Executable | undefined> {
  const pe = file.head.u32(0x3c);
  const signature = await file.window(pe, 24, true);
  if (signature.u32(pe) !== 0x00004550) return undefined; // "PE\0\0"
  const coff = pe + 4;
  const count = Math.min(signature.u16(coff + 2), MAX_ENTRIES);
  const symbolTable = signature.u32(coff + 8);
  const symbolCount = signature.u32(coff + 12);
  const optionalSize = signature.u16(coff + 16);
  const optional = coff + 20;
  // The optional header's fields read below, then the section table after it.
  const r = await file.window(pe, 24 + Math.max(optionalSize, 32) + count * 40, true);
  let bits: 32 | 64 = 32;
  let imageBase = 0;
  if (optionalSize >= 2) {
    const magic = r.u16(optional);
    if (magic === 0x20b) {
      bits = 64;
      imageBase = r.u64(optional + 24);
    } else if (magic === 0x10b) {
      imageBase = r.u32(optional + 28);
    } else {
      return undefined;
    }
  }
  const stringTable = symbolTable === 0 ? undefined : symbolTable + symbolCount * 18;
  const sections: ExecutableSection[] = [];
  const segments: ExecutableSegment[] = [];
  for (let i = 0; i < count; i++) {
    const o = optional + optionalSize + i * 40;
    let name = r.cString(o, 8);
    // Names longer than eight bytes are "/<decimal offset>" into the COFF string table.
    if (/^\/\d+$/.test(name) && stringTable !== undefined) {
      try {
        const at = stringTable + Number(name.slice(1));
        name = (await file.window(at, 256, true)).cString(at, 256);
      } catch (error) {
        if (!(error instanceof OutOfBounds)) throw error;
        // keep the "/n" form
      }
    }
    const virtualSize = r.u32(o + 8);
    const virtualAddress = r.u32(o + 12);
    const rawSize = r.u32(o + 16);
    const rawOffset = r.u32(o + 20);
    const flags = r.u32(o + 36);
    const uninitialized = (flags & 0x80) !== 0 && rawOffset === 0;
    const fileSize = uninitialized ? 0 : rawSize;
    // Raw data is padded to the file alignment; the section's own bytes end at its virtual size.
    const size = virtualSize > 0 ? Math.min(virtualSize, fileSize) : fileSize;
    sections.push({ name, address: imageBase + virtualAddress, offset: rawOffset, fileSize: size, flags });
    segments.push({ name, address: imageBase + virtualAddress, offset: rawOffset, fileSize: size, writable: (flags & 0x80000000) !== 0 });
  }
  return makeExecutable(file, { format: 'pe', bits, littleEndian: true, imageBase, sections, segments });
}

async function readThinMachO(file: ExecutableFile, base: number): Promise<Executable | undefined> {
  const header = await file.window(base, 32, false);
  const magicBE = header.u32(base);
  const littleEndian = magicBE === 0xcefaedfe || magicBE === 0xcffaedfe;
  const h = header.as(littleEndian);
  const magic = h.u32(base);
  if (magic !== 0xfeedface && magic !== 0xfeedfacf) return undefined;
  const bits = magic === 0xfeedfacf ? 64 : 32;
  const ncmds = Math.min(h.u32(base + 16), MAX_ENTRIES);
  const headerSize = bits === 64 ? 32 : 28;
  // The load commands follow the header, sizeofcmds bytes of them.
  const r = await file.window(base, headerSize + h.u32(base + 20), littleEndian);
  let o = base + headerSize;
  const sections: ExecutableSection[] = [];
  const segments: ExecutableSegment[] = [];
  for (let i = 0; i < ncmds; i++) {
    const cmd = r.u32(o);
    const size = r.u32(o + 4);
    if (size < 8) break;
    if (cmd === 0x19 || cmd === 0x1) {
      const is64 = cmd === 0x19;
      const segname = r.cString(o + 8, 16);
      const vmaddr = is64 ? r.u64(o + 24) : r.u32(o + 24);
      const fileoff = is64 ? r.u64(o + 40) : r.u32(o + 32);
      const filesize = is64 ? r.u64(o + 48) : r.u32(o + 36);
      const maxprot = is64 ? r.u32(o + 56) : r.u32(o + 40);
      const initprot = is64 ? r.u32(o + 60) : r.u32(o + 44);
      const nsects = Math.min(is64 ? r.u32(o + 64) : r.u32(o + 48), MAX_ENTRIES);
      segments.push({ name: segname, address: vmaddr, offset: base + fileoff, fileSize: filesize, writable: (initprot & 2) !== 0 && (maxprot & 2) !== 0 });
      let s = o + (is64 ? 72 : 56);
      for (let j = 0; j < nsects; j++) {
        const sectname = r.cString(s, 16);
        const sectSegment = r.cString(s + 16, 16);
        const addr = is64 ? r.u64(s + 32) : r.u32(s + 32);
        const sectSize = is64 ? r.u64(s + 40) : r.u32(s + 36);
        const offset = is64 ? r.u32(s + 48) : r.u32(s + 40);
        const flags = is64 ? r.u32(s + 64) : r.u32(s + 56);
        const type = flags & 0xff;
        const zerofill = type === 0x1 || type === 0xc || type === 0x12;
        sections.push({ name: sectname, segment: sectSegment, address: addr, offset: base + offset, fileSize: zerofill || offset === 0 ? 0 : sectSize, flags });
        s += is64 ? 80 : 68;
      }
    }
    o += size;
  }
  return makeExecutable(file, { format: 'macho', bits, littleEndian, sections, segments });
}

async function readMachO(file: ExecutableFile): Promise<Executable | undefined> {
  const r = file.head.as(false);
  const magic = r.u32(0);
  if (magic !== 0xcafebabe && magic !== 0xcafebabf) return readThinMachO(file, 0);
  // A universal binary: the first architecture stands for all (they are built from one source).
  const count = r.u32(4);
  for (let i = 0; i < Math.min(count, 64); i++) {
    const offset = magic === 0xcafebabe ? r.u32(8 + i * 20 + 8) : r.u64(8 + i * 32 + 8);
    try {
      const thin = await readThinMachO(file, offset);
      if (thin) return thin;
    } catch (error) {
      if (!(error instanceof OutOfBounds)) throw error;
    }
  }
  return undefined;
}

/**
 * Reads an executable's tables; undefined when the bytes are not an ELF, PE or Mach-O file or
 * their headers point outside the file. Bytes already in memory may be given as a Buffer.
 */
export async function readExecutable(input: RandomAccessBytes | Buffer): Promise<Executable | undefined> {
  const source = Buffer.isBuffer(input) ? bufferBytes(input) : input;
  try {
    const file = await ExecutableFile.open(source);
    switch (executableFormatOf(file.head.bytes.subarray(0, 8))) {
      case 'elf':
        return await readElf(file);
      case 'pe':
        return await readPe(file);
      case 'macho':
        return await readMachO(file);
      default:
        return undefined;
    }
  } catch (error) {
    if (error instanceof OutOfBounds) return undefined;
    throw error;
  }
}
