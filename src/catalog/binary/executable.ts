/**
 * @module Reads the section and segment tables of ELF, PE and Mach-O executables, so catalogers
 * can find data that build tools embed in binaries (Go build info, cargo-auditable's dependency
 * list). Pure: bytes in, tables out; anything out of bounds is "not an executable", never a throw.
 * @see https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.sheader.html
 * @see https://learn.microsoft.com/en-us/windows/win32/debug/pe-format
 * @see https://github.com/apple-oss-distributions/xnu/blob/main/EXTERNAL_HEADERS/mach-o/loader.h
 */

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
  sectionData(section: ExecutableSection): Buffer;
  /** The first section with this name (and, for Mach-O, segment if given). */
  section(name: string, segment?: string): ExecutableSection | undefined;
  /**
   * Up to `length` bytes at a virtual address, as the loader would map them (stopping at the end
   * of the segment holding the address); undefined when no segment holds it.
   */
  readAddress(address: number, length: number): Buffer | undefined;
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

/** Bounds-checked reads of one endianness; every read out of bounds throws OutOfBounds. */
class OutOfBounds extends Error {}

class Reader {
  constructor(
    readonly bytes: Buffer,
    readonly littleEndian: boolean,
  ) {}
  private check(offset: number, size: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.bytes.length) throw new OutOfBounds();
  }
  u8(offset: number): number {
    this.check(offset, 1);
    return this.bytes[offset]!;
  }
  u16(offset: number): number {
    this.check(offset, 2);
    return this.littleEndian ? this.bytes.readUInt16LE(offset) : this.bytes.readUInt16BE(offset);
  }
  u32(offset: number): number {
    this.check(offset, 4);
    return this.littleEndian ? this.bytes.readUInt32LE(offset) : this.bytes.readUInt32BE(offset);
  }
  /** A 64-bit value as a number; values past 2^53 lose precision, which only makes lookups miss. */
  u64(offset: number): number {
    this.check(offset, 8);
    return Number(this.littleEndian ? this.bytes.readBigUInt64LE(offset) : this.bytes.readBigUInt64BE(offset));
  }
  word(offset: number, bits: 32 | 64): number {
    return bits === 64 ? this.u64(offset) : this.u32(offset);
  }
  /** A NUL-terminated (or field-bounded) Latin-1 string. */
  cString(offset: number, max = 4096): string {
    this.check(offset, 0);
    const end = Math.min(this.bytes.length, offset + max);
    let stop = offset;
    while (stop < end && this.bytes[stop] !== 0) stop++;
    return this.bytes.toString('latin1', offset, stop);
  }
}

/** Limits on table sizes, so a hostile header cannot make us loop for long. */
const MAX_ENTRIES = 65_536;

function clip(bytes: Buffer, offset: number, size: number): Buffer {
  if (!Number.isFinite(offset) || !Number.isFinite(size) || offset < 0 || size <= 0 || offset >= bytes.length) return Buffer.alloc(0);
  return bytes.subarray(offset, Math.min(bytes.length, offset + size));
}

function makeExecutable(
  bytes: Buffer,
  base: Omit<Executable, 'sectionData' | 'section' | 'readAddress'>,
): Executable {
  return {
    ...base,
    sectionData: (section) => clip(bytes, section.offset, section.fileSize),
    section: (name, segment) => base.sections.find((s) => s.name === name && (segment === undefined || s.segment === segment)),
    readAddress(address, length) {
      for (const segment of base.segments) {
        if (segment.fileSize <= 0 || address < segment.address || address >= segment.address + segment.fileSize) continue;
        const skip = address - segment.address;
        const data = clip(bytes, segment.offset + skip, Math.min(length, segment.fileSize - skip));
        return data;
      }
      return undefined;
    },
  };
}

function readElf(bytes: Buffer): Executable | undefined {
  const elfClass = bytes[4];
  const data = bytes[5];
  if ((elfClass !== 1 && elfClass !== 2) || (data !== 1 && data !== 2)) return undefined;
  const bits = elfClass === 2 ? 64 : 32;
  const r = new Reader(bytes, data === 1);
  const phoff = bits === 64 ? r.u64(0x20) : r.u32(0x1c);
  const shoff = bits === 64 ? r.u64(0x28) : r.u32(0x20);
  const at = bits === 64 ? 0x36 : 0x2a;
  const phentsize = r.u16(at);
  let phnum = r.u16(at + 2);
  const shentsize = r.u16(at + 4);
  let shnum = r.u16(at + 6);
  let shstrndx = r.u16(at + 8);

  const segments: ExecutableSegment[] = [];
  const sections: ExecutableSection[] = [];
  const sectionAt = (index: number) => {
    const o = shoff + index * shentsize;
    return bits === 64
      ? { name: r.u32(o), type: r.u32(o + 4), flags: r.u64(o + 8), addr: r.u64(o + 16), offset: r.u64(o + 24), size: r.u64(o + 32), link: r.u32(o + 40) }
      : { name: r.u32(o), type: r.u32(o + 4), flags: r.u32(o + 8), addr: r.u32(o + 12), offset: r.u32(o + 16), size: r.u32(o + 20), link: r.u32(o + 24) };
  };
  if (shoff !== 0 && shentsize >= (bits === 64 ? 64 : 40)) {
    // More than 0xff00 sections: the count and the name table index move into section 0.
    if (shnum === 0) shnum = sectionAt(0).size;
    if (shstrndx === 0xffff) shstrndx = sectionAt(0).link;
    if (phnum === 0xffff) phnum = r.u32(shoff + (bits === 64 ? 44 : 28)); // PN_XNUM: sh_info of section 0
    shnum = Math.min(shnum, MAX_ENTRIES);
    const names = shstrndx < shnum ? sectionAt(shstrndx) : undefined;
    for (let i = 0; i < shnum; i++) {
      const s = sectionAt(i);
      let name = '';
      if (names && s.name < names.size) {
        try {
          name = r.cString(names.offset + s.name, Math.min(4096, names.size - s.name));
        } catch {
          name = '';
        }
      }
      const nobits = s.type === 8; // SHT_NOBITS
      sections.push({ name, address: s.addr, offset: s.offset, fileSize: nobits || s.type === 0 ? 0 : s.size, flags: s.flags });
    }
  }
  if (phoff !== 0 && phentsize >= (bits === 64 ? 56 : 32)) {
    for (let i = 0; i < Math.min(phnum, MAX_ENTRIES); i++) {
      const o = phoff + i * phentsize;
      const type = r.u32(o);
      if (type !== 1) continue; // PT_LOAD
      const seg =
        bits === 64
          ? { flags: r.u32(o + 4), offset: r.u64(o + 8), vaddr: r.u64(o + 16), filesz: r.u64(o + 32) }
          : { offset: r.u32(o + 4), vaddr: r.u32(o + 8), filesz: r.u32(o + 16), flags: r.u32(o + 24) };
      segments.push({ address: seg.vaddr, offset: seg.offset, fileSize: seg.filesz, writable: (seg.flags & 2) !== 0 });
    }
  }
  return makeExecutable(bytes, { format: 'elf', bits, littleEndian: data === 1, sections, segments });
}

function readPe(bytes: Buffer): Executable | undefined {
  const r = new Reader(bytes, true);
  const pe = r.u32(0x3c);
  if (r.u32(pe) !== 0x00004550) return undefined; // "PE\0\0"
  const coff = pe + 4;
  const count = Math.min(r.u16(coff + 2), MAX_ENTRIES);
  const symbolTable = r.u32(coff + 8);
  const symbolCount = r.u32(coff + 12);
  const optionalSize = r.u16(coff + 16);
  const optional = coff + 20;
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
        name = r.cString(stringTable + Number(name.slice(1)), 256);
      } catch {
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
  return makeExecutable(bytes, { format: 'pe', bits, littleEndian: true, imageBase, sections, segments });
}

function readThinMachO(bytes: Buffer, base: number): Executable | undefined {
  const magicBE = new Reader(bytes, false).u32(base);
  const littleEndian = magicBE === 0xcefaedfe || magicBE === 0xcffaedfe;
  const r = new Reader(bytes, littleEndian);
  const magic = r.u32(base);
  if (magic !== 0xfeedface && magic !== 0xfeedfacf) return undefined;
  const bits = magic === 0xfeedfacf ? 64 : 32;
  const ncmds = Math.min(r.u32(base + 16), MAX_ENTRIES);
  let o = base + (bits === 64 ? 32 : 28);
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
  return makeExecutable(bytes, { format: 'macho', bits, littleEndian, sections, segments });
}

function readMachO(bytes: Buffer): Executable | undefined {
  const magic = bytes.readUInt32BE(0);
  if (magic !== 0xcafebabe && magic !== 0xcafebabf) return readThinMachO(bytes, 0);
  // A universal binary: the first architecture stands for all (they are built from one source).
  const r = new Reader(bytes, false);
  const count = r.u32(4);
  for (let i = 0; i < Math.min(count, 64); i++) {
    const offset = magic === 0xcafebabe ? r.u32(8 + i * 20 + 8) : r.u64(8 + i * 32 + 8);
    try {
      const thin = readThinMachO(bytes, offset);
      if (thin) return thin;
    } catch (error) {
      if (!(error instanceof OutOfBounds)) throw error;
    }
  }
  return undefined;
}

/**
 * Reads an executable's tables; undefined when the bytes are not an ELF, PE or Mach-O file or
 * their headers point outside the file.
 */
export function readExecutable(bytes: Buffer): Executable | undefined {
  try {
    switch (executableFormatOf(bytes.subarray(0, 8))) {
      case 'elf':
        return readElf(bytes);
      case 'pe':
        return readPe(bytes);
      case 'macho':
        return readMachO(bytes);
      default:
        return undefined;
    }
  } catch (error) {
    if (error instanceof OutOfBounds) return undefined;
    throw error;
  }
}
