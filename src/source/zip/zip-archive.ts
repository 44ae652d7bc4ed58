/**
 * @module One zip archive read through a file descriptor with yauzl: its SHA-256, its central
 * directory turned into members (names made safe, zip bombs and oversized archives held off),
 * and the bytes of one member streamed out on demand, checked against their size and CRC-32.
 * Nothing is ever written under a member's own name.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import { createHash } from 'node:crypto';
import { close, fstat, open, read, type Stats } from 'node:fs';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { describeError, VigilError } from '../../errors.js';
import type { Warning } from '../../model/warning.js';
import { hostError } from '../directory.js';
import type { SourceLimits } from '../file-tree.js';
import { normalizeSegments } from '../image/squash-tree.js';

/**
 * The zip-bomb caps, besides the SourceLimits: `maxFileBytes` (a larger member stays in the tree,
 * and reading it throws FileTooLargeError) and `maxLayerBytes` (the most uncompressed bytes one
 * archive may declare; the members from the one that crosses it on are left out).
 */
export const zipCaps = {
  /** Most members read from one archive's central directory; the rest are left out with a warning. */
  maxEntries: 500_000,
  /** Highest uncompressed : compressed ratio accepted for a large member (deflate tops out near 1032:1). */
  maxRatio: 100,
  /** Members declaring at most this many bytes are never judged by their ratio. */
  ratioFloorBytes: 1024 * 1024,
  /** Longest symbolic link target read (Linux PATH_MAX). */
  maxLinkBytes: 4096,
};

export type ZipCaps = typeof zipCaps;

export type MemberKind = 'file' | 'directory' | 'symlink' | 'other';

/** Where a member's bytes are, and what they must add up to. */
export interface MemberData {
  /** Offset of the member's local header in the archive. */
  offset: number;
  compressedSize: number;
  /** Declared uncompressed size: never more is inflated. */
  size: number;
  /** 0 stored, 8 deflated (no other method is kept). */
  method: 0 | 8;
  crc32: number;
}

export interface ZipMember {
  /** The name as written (decoded), for messages. */
  name: string;
  /** The name's segments below the archive root, normalised. */
  segments: string[];
  kind: MemberKind;
  /** Permission bits. */
  mode: number;
  data: MemberData;
  /** Symbolic links: the target, as the member's content gives it. */
  linkTarget?: string;
}

const openFd = promisify(open);
const fstatFd = promisify(fstat);
const readFd = promisify(read);
const closeFd = promisify(close);
const fromFd = promisify<number, yauzl.Options, yauzl.ZipFile>(yauzl.fromFd);

/** Unix "version made by" hosts whose upper external attribute bits hold st_mode (unix, OS X). */
const UNIX_HOSTS = new Set([3, 19]);
const S_IFMT = 0o170000;
const MSDOS_DIRECTORY = 0x10;

/** One line from a library's message: its first sentence, without a trailing full stop. */
function firstSentence(error: unknown): string {
  return describeError(error).split(/\.\s/)[0]!.replace(/\.$/, '');
}

/** Counts members skipped for one reason, keeping the first for the message. */
class Tally {
  private readonly groups = new Map<string, { count: number; first: string }>();

  constructor(private readonly caps: ZipCaps) {}

  add(code: string, name: string): void {
    const group = this.groups.get(code);
    if (group) group.count++;
    else this.groups.set(code, { count: 1, first: name });
  }

  report(label: string, warnings: Warning[]): void {
    const why: Record<string, string> = {
      UNSAFE_PATH: 'leading outside the archive root (absolute, or climbing with "..")',
      DUPLICATE_ENTRY: 'named like an earlier entry',
      ZIP_BOMB: `over ${this.caps.ratioFloorBytes} bytes and compressed more than ${this.caps.maxRatio}:1 (a zip bomb?)`,
      ENTRY_UNSUPPORTED: 'encrypted or compressed with a method other than deflate',
      LINK_UNREADABLE: `holding a symbolic link whose target cannot be read or is over ${this.caps.maxLinkBytes} bytes`,
    };
    for (const [code, { count, first }] of this.groups) {
      const outcome = code === 'DUPLICATE_ENTRY' ? 'the last entry of each name is kept, as unzip does' : 'ignored';
      warnings.push({
        code,
        message: `${label} has ${count} entr${count === 1 ? 'y' : 'ies'} ${why[code] ?? code} (first: ${first}); ${outcome}`,
        path: first,
        count,
      });
    }
  }
}

export class ZipArchive {
  private constructor(
    /** Names the archive in messages: its path, or "layer N (path)". */
    readonly label: string,
    /** Lower-case hex SHA-256 of the archive file. */
    readonly sha256: string,
    private readonly zip: yauzl.ZipFile,
    /** The descriptor yauzl reads through (it closes it), for ranged reads of stored members. */
    private readonly fd: number,
  ) {
    // yauzl emits an error once; a listener must be there whenever it does.
    zip.on('error', () => undefined);
  }

  /**
   * Opens an archive, hashing it through the same descriptor yauzl then reads, so the digest
   * and the contents are of the same bytes.
   */
  static async open(path: string, label: string): Promise<ZipArchive> {
    let fd: number;
    try {
      fd = await openFd(path, 'r');
    } catch (error) {
      throw hostError(label, error);
    }
    try {
      let info: Stats;
      try {
        info = await fstatFd(fd);
      } catch (error) {
        throw hostError(label, error);
      }
      if (!info.isFile()) throw new VigilError('TARGET_UNRECOGNISED', `${label} is not a file, so it cannot be a zip archive`);
      const { sha256, magic } = await hashFd(fd, info.size, label);
      let zip: yauzl.ZipFile;
      try {
        zip = await fromFd(fd, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false });
      } catch (error) {
        const looksLikeZip = magic.readUInt16LE(0) === 0x4b50;
        throw looksLikeZip
          ? new VigilError('TARGET_CORRUPT', `${label} is a damaged zip archive: ${firstSentence(error)}`, { cause: error })
          : new VigilError('TARGET_UNRECOGNISED', `${label} is not a zip archive`, { cause: error });
      }
      // From here on yauzl owns the descriptor: closing the ZipFile closes it.
      return new ZipArchive(label, sha256, zip, fd);
    } catch (error) {
      await closeFd(fd).catch(() => undefined);
      throw error;
    }
  }

  /** The next central directory entry, or undefined after the last. */
  private nextEntry(): Promise<yauzl.Entry | undefined> {
    const zip = this.zip;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      const onEntry = (entry: yauzl.Entry) => {
        cleanup();
        resolve(entry);
      };
      const onEnd = () => {
        cleanup();
        resolve(undefined);
      };
      const onError = (error: unknown) => {
        cleanup();
        reject(new VigilError('TARGET_CORRUPT', `${this.label} is a damaged zip archive: ${firstSentence(error)}`, { cause: error }));
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
  }

  /**
   * Reads the central directory into members, in archive order (a later duplicate overrides an
   * earlier one when applied in this order). Skipped members and caps reached become warnings.
   */
  async readMembers(limits: SourceLimits, caps: ZipCaps, warnings: Warning[]): Promise<ZipMember[]> {
    const members: ZipMember[] = [];
    const tally = new Tally(caps);
    const seen = new Map<string, MemberKind>();
    const count = this.zip.entryCount;
    if (count > caps.maxEntries) {
      warnings.push({
        code: 'TOO_MANY_ENTRIES',
        message: `${this.label} has ${count} entries, over the ${caps.maxEntries}-entry limit; only the first ${caps.maxEntries} are read`,
        count: count - caps.maxEntries,
      });
    }
    let declared = 0;
    for (let n = 0; n < Math.min(count, caps.maxEntries); n++) {
      const entry = await this.nextEntry();
      if (!entry) break;
      const member = describeEntry(entry);
      if (typeof member === 'string') {
        if (member !== 'root') tally.add(member, entryName(entry));
        continue;
      }
      if (member.kind !== 'directory') {
        if (member.data.size > caps.ratioFloorBytes && member.data.size > caps.maxRatio * member.data.compressedSize) {
          tally.add('ZIP_BOMB', member.name);
          continue;
        }
        if (declared + member.data.size > limits.maxLayerBytes) {
          warnings.push({
            code: 'LAYER_TOO_LARGE',
            message: `${this.label} declares more than the ${limits.maxLayerBytes}-byte limit uncompressed; its entries from ${member.name} on are left out`,
            path: member.name,
          });
          break;
        }
        declared += member.data.size;
      }
      const key = member.segments.join('/');
      const previous = seen.get(key);
      if (previous !== undefined && !(previous === 'directory' && member.kind === 'directory')) tally.add('DUPLICATE_ENTRY', member.name);
      seen.set(key, member.kind);
      members.push(member);
    }
    const kept: ZipMember[] = [];
    for (const member of members) {
      if (member.kind === 'symlink') {
        const target = member.data.size <= caps.maxLinkBytes ? await this.readAll(member.data, member.name).catch(() => undefined) : undefined;
        if (target === undefined) {
          tally.add('LINK_UNREADABLE', member.name);
          continue;
        }
        member.linkTarget = target.toString('utf8');
      }
      kept.push(member);
    }
    tally.report(this.label, warnings);
    return kept;
  }

  /** Where stored members' bytes start, by local header offset, each found once. */
  private readonly dataStarts = new Map<number, number>();

  /**
   * Up to `length` bytes from `offset` of a stored (uncompressed) member, read straight from the
   * archive, clipped to the member. Its CRC-32 is not checked: that needs every byte.
   */
  async readStoredRange(data: MemberData, name: string, offset: number, length: number): Promise<Buffer> {
    if (data.method !== 0) throw new Error(`${this.label}: ${name} is compressed, so it has no random access`);
    const wanted = Math.max(0, Math.min(length, data.size - offset));
    if (wanted === 0) return Buffer.alloc(0);
    let start = this.dataStarts.get(data.offset);
    try {
      if (start === undefined) {
        const located = { relativeOffsetOfLocalHeader: data.offset, compressedSize: data.compressedSize } as yauzl.Entry;
        start = (await this.zip.readLocalFileHeaderPromise(located, { minimal: true })).fileDataStart;
        this.dataStarts.set(data.offset, start);
      }
      const buffer = Buffer.allocUnsafe(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await readFd(this.fd, buffer, filled, wanted - filled, start + offset + filled);
        if (bytesRead === 0) throw new Error('it ends before the bytes it declares');
        filled += bytesRead;
      }
      return buffer;
    } catch (error) {
      throw this.damaged(name, error);
    }
  }

  /** Streams a member's bytes: never more than it declares, and its CRC-32 checked at the end. */
  async *stream(data: MemberData, name: string): AsyncGenerator<Buffer> {
    let stream: Readable;
    try {
      // readLocalFileHeader reads only these two fields of an entry; the whole Entry is not kept.
      const located = { relativeOffsetOfLocalHeader: data.offset, compressedSize: data.compressedSize } as yauzl.Entry;
      const header = await this.zip.readLocalFileHeaderPromise(located, { minimal: true });
      // Not openReadStreamLowLevelPromise: in yauzl 3.4 it calls openReadStream by mistake.
      stream = await new Promise<Readable>((resolve, reject) => {
        this.zip.openReadStreamLowLevel(header.fileDataStart, data.compressedSize, 0, data.compressedSize, data.method === 8, data.size, (error, readable) =>
          error ? reject(error) : resolve(readable),
        );
      });
    } catch (error) {
      throw this.damaged(name, error);
    }
    let crc = 0;
    let bytes = 0;
    try {
      for await (const chunk of stream) {
        const buffer = chunk as Buffer;
        bytes += buffer.length;
        if (bytes > data.size) throw new Error(`it holds more than the ${data.size} bytes it declares`);
        crc = crc32(buffer, crc);
        yield buffer;
      }
    } catch (error) {
      throw error instanceof VigilError ? error : this.damaged(name, error);
    } finally {
      stream.destroy();
    }
    if (bytes !== data.size) throw this.damaged(name, `it holds ${bytes} bytes, not the ${data.size} it declares`);
    if (crc >>> 0 !== data.crc32 >>> 0) throw this.damaged(name, 'its CRC-32 does not match');
  }

  /** A member's whole content (callers check its size against their limit first). */
  async readAll(data: MemberData, name: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream(data, name)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** The first `length` bytes of a member, inflating no more than needed. */
  async readHead(data: MemberData, name: string, length: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    if (length <= 0) return Buffer.alloc(0);
    for await (const chunk of this.stream(data, name)) {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes >= length) break;
    }
    return Buffer.concat(chunks).subarray(0, length);
  }

  private damaged(name: string, reason: unknown): VigilError {
    return new VigilError('TARGET_CORRUPT', `${this.label}: ${name} cannot be read: ${firstSentence(reason)}`);
  }

  /** Closes the archive; yauzl closes the descriptor once no stream is open. Safe to call twice. */
  close(): void {
    this.zip.close();
  }
}

/** SHA-256 of a whole file read through its descriptor, and its first four bytes. */
async function hashFd(fd: number, size: number, label: string): Promise<{ sha256: string; magic: Buffer }> {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1024 * 1024);
  const magic = Buffer.alloc(4);
  let position = 0;
  try {
    while (position < size) {
      const { bytesRead } = await readFd(fd, buffer, 0, Math.min(buffer.length, size - position), position);
      if (bytesRead === 0) break;
      if (position < magic.length) buffer.copy(magic, position, 0, Math.min(bytesRead, magic.length - position));
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } catch (error) {
    throw hostError(label, error);
  }
  return { sha256: hash.digest('hex'), magic };
}

/** The entry name, decoded as yauzl would (UTF-8 flag, Info-ZIP Unicode path field, cp437) with '\' as '/'. */
function entryName(entry: yauzl.Entry): string {
  // decodeStrings is off (so a hostile name is a warning here, not an error for the whole
  // archive): fileNameRaw is the only form of the name there is.
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

/** A central directory entry as a member, or why it is left out ('root' for "./" and the like). */
export function describeEntry(entry: yauzl.Entry): ZipMember | 'root' | 'UNSAFE_PATH' | 'ENTRY_UNSUPPORTED' {
  const name = entryName(entry);
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.includes('\u0000')) return 'UNSAFE_PATH';
  const segments = normalizeSegments(name);
  if (!segments) return 'UNSAFE_PATH';
  if (segments.length === 0) return 'root';
  const host = entry.versionMadeBy >>> 8;
  const unixMode = UNIX_HOSTS.has(host) ? entry.externalFileAttributes >>> 16 : 0;
  const type = unixMode & S_IFMT;
  let kind: MemberKind;
  if (name.endsWith('/') || type === 0o040000 || (type === 0 && (entry.externalFileAttributes & MSDOS_DIRECTORY) !== 0)) kind = 'directory';
  else if (type === 0o120000) kind = 'symlink';
  else if (type === 0 || type === 0o100000) kind = 'file';
  else kind = 'other';
  const method = entry.compressionMethod;
  if (kind !== 'directory' && ((entry.generalPurposeBitFlag & 0x1) !== 0 || (method !== 0 && method !== 8))) return 'ENTRY_UNSUPPORTED';
  return {
    name,
    segments,
    kind,
    mode: unixMode & 0o7777 || (kind === 'directory' ? 0o755 : 0o644),
    data: {
      offset: entry.relativeOffsetOfLocalHeader,
      compressedSize: entry.compressedSize,
      size: kind === 'directory' ? 0 : entry.uncompressedSize,
      method: method === 8 ? 8 : 0,
      crc32: entry.crc32,
    },
  };
}
