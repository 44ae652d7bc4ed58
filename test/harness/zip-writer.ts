/**
 * @module Writes small zip archives for tests, in memory, byte by byte: stored or deflated
 * entries, unix modes (symbolic links, directories), raw or hostile names, duplicate names and
 * lying size fields, so a test can build exactly the archive it needs, damage included.
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** One entry, in the order it is written. A name ending in '/' is a directory. */
export interface ZipEntrySpec {
  /** As written into the archive; a Buffer for names that are not UTF-8. */
  name: string | Buffer;
  data?: string | Buffer;
  /** Default: deflate for non-empty files, store for the rest. */
  method?: 'store' | 'deflate';
  /** Full unix mode, type bits included (0o100644, 0o040755, 0o120777). Default from the name. */
  mode?: number;
  /** A symbolic link: the target is written as the entry's content, with mode 0o120777. */
  symlink?: string;
  /** The uncompressed size to declare instead of the true one. */
  declaredSize?: number;
  /** The CRC-32 to declare instead of the true one. */
  declaredCrc?: number;
  /** Sets the "traditional encryption" flag (the data is not really encrypted). */
  encrypted?: boolean;
  /** Another compression method number to declare (12 = bzip2, 14 = LZMA…); the data is stored. */
  methodNumber?: number;
  /** The "version made by" host: 3 = unix (default), 0 = MS-DOS (upper attribute bits ignored). */
  host?: number;
}

export interface ZipOptions {
  /** Bytes written before the first entry (a self-extractor's stub). */
  prefix?: Buffer;
  comment?: string;
}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** Entries that are links, directories or files, shortened for test tables. */
export const zipFile = (name: string, data: string | Buffer, extra: Partial<ZipEntrySpec> = {}): ZipEntrySpec => ({ name, data, ...extra });
export const zipDir = (name: string): ZipEntrySpec => ({ name: name.endsWith('/') ? name : `${name}/` });
export const zipLink = (name: string, target: string): ZipEntrySpec => ({ name, symlink: target });

/** Builds a zip archive from entries, central directory and end record included. */
export function writeZip(entries: readonly ZipEntrySpec[], options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = options.prefix?.length ?? 0;
  for (const entry of entries) {
    const name = Buffer.isBuffer(entry.name) ? entry.name : Buffer.from(entry.name, 'utf8');
    const isDir = !entry.symlink && name.at(-1) === 0x2f;
    const raw = Buffer.from(entry.symlink ?? entry.data ?? '');
    const deflate = entry.methodNumber === undefined && (entry.method ?? (raw.length > 0 ? 'deflate' : 'store')) === 'deflate';
    const compressed = deflate ? deflateRawSync(raw) : raw;
    // Traditional encryption puts a 12-byte header before the data.
    const body = entry.encrypted ? Buffer.concat([Buffer.alloc(12), compressed]) : compressed;
    const method = entry.methodNumber ?? (deflate ? 8 : 0);
    const size = entry.declaredSize ?? raw.length;
    const crc = entry.declaredCrc ?? crc32(raw);
    const mode = entry.mode ?? (entry.symlink !== undefined ? S_IFLNK | 0o777 : isDir ? S_IFDIR | 0o755 : S_IFREG | 0o644);
    const host = entry.host ?? 3;
    const flags = (entry.encrypted ? 0x1 : 0) | (Buffer.isBuffer(entry.name) ? 0 : 0x800);
    // A stored entry must declare as many compressed bytes as uncompressed ones.
    const compressedSize = method === 0 && entry.declaredSize !== undefined ? entry.declaredSize + (entry.encrypted ? 12 : 0) : body.length;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressedSize, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((host << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressedSize, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE((((host === 3 ? mode : 0) << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'latin1');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([options.prefix ?? Buffer.alloc(0), ...locals, directory, end, comment]);
}
