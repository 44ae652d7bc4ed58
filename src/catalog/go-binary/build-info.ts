/**
 * Finds the build information the Go linker embeds in every binary (Go 1.13+): a 32-byte header
 * that starts with "\xff Go buildinf:", 16-byte aligned near the start of the data, followed by
 * the Go version and the module information, either inline as varint-length strings (Go 1.18+)
 * or through two pointers to Go string headers elsewhere in the image (before 1.18).
 * @see https://github.com/golang/go/blob/master/src/debug/buildinfo/buildinfo.go
 */
import type { Executable } from '../binary/executable.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/** The linker puts the blob near the start of the data; Go's own reader searches this far. */
const SEARCH_SIZE = 64 * 1024;
/** No real version or module list is larger (Go's reader takes the same limit). */
const MAX_STRING = 1 << 20;
/** The module text is wrapped in two 16-byte sentinels. */
const SENTINEL = 16;

const FLAG_BIG_ENDIAN = 0x1;
const FLAG_INLINE_STRINGS = 0x2;

export interface RawGoBuildInfo {
  /** The toolchain version as the runtime reports it ("go1.21.5", "go1.22.0 X:loopvar"). */
  goVersion: string;
  /** The module information text without its sentinels; empty for binaries built outside module mode. */
  modInfo: string;
  /** 'inline' for Go 1.18 and later, 'pointer' for earlier toolchains. */
  layout: 'inline' | 'pointer';
}

/** Where the blob is searched: its own section when there is one, else the start of the data. */
function dataStart(exe: Executable): number | undefined {
  const own = exe.section('.go.buildinfo') ?? exe.section('__go_buildinfo');
  if (own) return own.address;
  switch (exe.format) {
    case 'elf':
      return exe.segments.find((s) => s.writable && s.fileSize > 0)?.address;
    case 'macho':
      return exe.segments.find((s) => s.writable && s.address !== 0 && s.fileSize > 0)?.address;
    case 'pe': {
      // The first section that is initialised, readable, writable data (alignment bits aside).
      const data = exe.sections.find((s) => s.address !== 0 && s.fileSize > 0 && (s.flags & ~0x00f00000) >>> 0 === 0xc0000040);
      return data?.address;
    }
  }
}

/** An unsigned LEB128 varint as Go's binary.Uvarint reads it; undefined when malformed. */
function readUvarint(bytes: Buffer, offset: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && offset + i < bytes.length; i++) {
    const byte = bytes[offset + i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: offset + i + 1 };
    scale *= 128;
  }
  return undefined;
}

function readInlineString(bytes: Buffer, offset: number): { bytes: Buffer; next: number } | undefined {
  const length = readUvarint(bytes, offset);
  if (!length || length.value > bytes.length - length.next) return undefined;
  return { bytes: bytes.subarray(length.next, length.next + length.value), next: length.next + length.value };
}

function readPointer(bytes: Buffer, offset: number, size: number, bigEndian: boolean): number | undefined {
  if (offset + size > bytes.length) return undefined;
  if (size === 4) return bigEndian ? bytes.readUInt32BE(offset) : bytes.readUInt32LE(offset);
  return Number(bigEndian ? bytes.readBigUInt64BE(offset) : bytes.readBigUInt64LE(offset));
}

/**
 * A Go string header {data pointer, length} at an address, and the bytes it points to: two small
 * ranged reads wherever in the file the pointers lead, the length capped before anything is read.
 */
async function readPointedString(exe: Executable, address: number, size: number, bigEndian: boolean): Promise<Buffer | undefined> {
  const header = await exe.readAddress(address, 2 * size);
  if (!header || header.length < 2 * size) return undefined;
  const data = readPointer(header, 0, size, bigEndian)!;
  const length = readPointer(header, size, size, bigEndian)!;
  if (length > MAX_STRING) return undefined;
  const bytes = await exe.readAddress(data, length);
  if (!bytes || bytes.length < length) return undefined;
  return bytes;
}

/** The module text between its sentinels, as Go's reader cuts it ("" when it is not wrapped). */
function stripSentinels(mod: Buffer | undefined): string {
  if (mod && mod.length >= 2 * SENTINEL + 1 && mod[mod.length - SENTINEL - 1] === 0x0a) {
    return mod.toString('utf8', SENTINEL, mod.length - SENTINEL);
  }
  return '';
}

export type GoBuildInfoResult =
  | { kind: 'found'; info: RawGoBuildInfo }
  /** Not a Go binary (no build info blob). */
  | { kind: 'absent' }
  /** A blob was found but could not be read. */
  | { kind: 'unreadable'; reason: string };

/**
 * Reads the build info of a Go executable whose tables `exe` describes: one read of at most
 * 64 KiB where the blob is (its own section, or the start of the data), and for binaries older
 * than Go 1.18 the few bytes its pointers lead to.
 */
export async function readGoBuildInfo(exe: Executable): Promise<GoBuildInfoResult> {
  const start = dataStart(exe);
  if (start === undefined) return { kind: 'absent' };
  let data = await exe.readAddress(start, SEARCH_SIZE);
  if (!data) return { kind: 'absent' };
  let base = 0;
  for (;;) {
    const at = data.indexOf(MAGIC, base);
    if (at < 0 || data.length - at < HEADER_SIZE) return { kind: 'absent' };
    if (at % ALIGN === 0) {
      data = data.subarray(at);
      break;
    }
    base = at + 1;
  }
  const pointerSize = data[14]!;
  const flags = data[15]!;
  if (flags & FLAG_INLINE_STRINGS) {
    const version = readInlineString(data, HEADER_SIZE);
    if (!version || version.bytes.length === 0) return { kind: 'unreadable', reason: 'the Go version string is cut short' };
    const mod = readInlineString(data, version.next);
    return { kind: 'found', info: { goVersion: version.bytes.toString('utf8'), modInfo: stripSentinels(mod?.bytes), layout: 'inline' } };
  }
  if (pointerSize !== 4 && pointerSize !== 8) return { kind: 'unreadable', reason: `unknown pointer size ${pointerSize}` };
  const bigEndian = (flags & FLAG_BIG_ENDIAN) !== 0;
  const versionAddress = readPointer(data, 16, pointerSize, bigEndian)!;
  const modAddress = readPointer(data, 16 + pointerSize, pointerSize, bigEndian)!;
  const goVersion = await readPointedString(exe, versionAddress, pointerSize, bigEndian);
  if (!goVersion || goVersion.length === 0) return { kind: 'unreadable', reason: 'the Go version pointer leads nowhere' };
  const mod = await readPointedString(exe, modAddress, pointerSize, bigEndian);
  return { kind: 'found', info: { goVersion: goVersion.toString('utf8'), modInfo: stripSentinels(mod), layout: 'pointer' } };
}
