/**
 * @module Indexes the members of an uncompressed tar file by reading only their 512-byte headers,
 * so that each member can later be opened as a byte range of the file, never read into memory.
 * @see https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { VigilError } from '../../errors.js';
import { treePathSegments } from '../tree-path.js';

export type TarMemberKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarMember {
  /** Normalised name: no leading './' or '/', no '.' segments. */
  name: string;
  kind: TarMemberKind;
  /** Byte offset of the member's data in the tar file. */
  offset: number;
  size: number;
  linkName?: string;
}

const BLOCK = 512;
/** Longest pax or GNU long-name record accepted; larger ones are not headers but an attack. */
const MAX_LONG_HEADER = 1024 * 1024;

/** Reads a NUL-terminated string field. */
function readString(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

/** Reads a numeric field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function readNumber(block: Buffer, start: number, length: number): number {
  const first = block[start]!;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i]!;
    return value;
  }
  const text = readString(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return Number.NaN;
  return parseInt(text, 8);
}

function checksumMatches(block: Buffer): boolean {
  const recorded = readNumber(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return recorded === unsigned || recorded === signed;
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Parses pax extended header records: "<length> <key>=<value>\n". */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space === -1) break;
    const length = parseInt(data.toString('utf8', position, space), 10);
    if (!(length > 0) || position + length > data.length) break;
    const record = data.toString('utf8', space + 1, position + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}

/** The canonical member name: 'a/b', '' for the root. */
export function normalizeMemberName(name: string): string {
  return treePathSegments(name).join('/');
}

function memberKind(flag: string): TarMemberKind {
  switch (flag) {
    case '0':
    case '\0':
    case '':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}

/**
 * Walks a tar file's headers and returns its members by normalised name (a later member of the
 * same name replaces an earlier one, as extraction would). `label` names the file in errors.
 */
export async function indexTarFile(path: string, label = path): Promise<Map<string, TarMember>> {
  const handle = await open(path, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const members = new Map<string, TarMember>();
    const block = Buffer.alloc(BLOCK);
    let position = 0;
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax: Map<string, string> | undefined;
    let globalPax = new Map<string, string>();
    const corrupt = (what: string) => new VigilError('TARGET_CORRUPT', `${label} is not a valid tar archive: ${what}`);

    const readData = async (offset: number, size: number): Promise<Buffer> => {
      if (size > MAX_LONG_HEADER) throw corrupt(`an extended header at byte ${offset} is ${size} bytes long`);
      const data = Buffer.alloc(size);
      const { bytesRead } = await handle.read(data, 0, size, offset);
      if (bytesRead < size) throw corrupt(`it is truncated inside an extended header at byte ${offset}`);
      return data;
    };

    for (;;) {
      const { bytesRead } = await handle.read(block, 0, BLOCK, position);
      if (bytesRead === 0) {
        // No end-of-archive blocks: tolerated when the archive ends on a member boundary.
        if (position === 0) throw corrupt('it is empty');
        break;
      }
      if (bytesRead < BLOCK) throw corrupt(`it is truncated inside the header at byte ${position}`);
      if (isZeroBlock(block)) break;
      if (!checksumMatches(block)) throw corrupt(`the header at byte ${position} has a bad checksum`);
      const flag = String.fromCharCode(block[156]!);
      let size = readNumber(block, 124, 12);
      if (!Number.isFinite(size) || size < 0) throw corrupt(`the header at byte ${position} has an invalid size`);
      const dataOffset = position + BLOCK;

      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        const data = await readData(dataOffset, size);
        if (flag === 'x') pax = parsePaxRecords(data);
        else if (flag === 'g') globalPax = new Map([...globalPax, ...parsePaxRecords(data)]);
        else if (flag === 'L') longName = readString(data, 0, data.length);
        else longLink = readString(data, 0, data.length);
        position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
        continue;
      }

      const records = pax ? new Map([...globalPax, ...pax]) : globalPax;
      let name = readString(block, 0, 100);
      const magic = block.toString('latin1', 257, 263);
      if (magic === 'ustar\0') {
        const prefix = readString(block, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      if (longName !== undefined) name = longName;
      if (records.has('path')) name = records.get('path')!;
      let linkName = readString(block, 157, 100);
      if (longLink !== undefined) linkName = longLink;
      if (records.has('linkpath')) linkName = records.get('linkpath')!;
      if (records.has('size')) {
        size = Number(records.get('size'));
        if (!Number.isSafeInteger(size) || size < 0) throw corrupt(`the pax size at byte ${position} is invalid`);
      }
      pax = undefined;
      longName = undefined;
      longLink = undefined;

      const kind = memberKind(flag);
      // Links, directories and devices carry no data whatever their size field says.
      const dataSize = kind === 'file' || kind === 'other' ? size : 0;
      if (dataOffset + dataSize > fileSize) throw corrupt(`it is truncated inside the member ${name}`);
      const member: TarMember = { name: normalizeMemberName(name), kind, offset: dataOffset, size: dataSize };
      if (kind === 'symlink' || kind === 'hardlink') member.linkName = linkName;
      members.set(member.name, member);
      position = dataOffset + Math.ceil(dataSize / BLOCK) * BLOCK;
    }
    return members;
  } finally {
    await handle.close();
  }
}

/** Opens a member's data as a stream of its byte range. */
export function openTarMember(path: string, member: TarMember): Readable {
  if (member.size === 0) return Readable.from([]);
  return createReadStream(path, { start: member.offset, end: member.offset + member.size - 1, highWaterMark: 256 * 1024 });
}

/** Follows symbolic and hard link members inside the tar (docker save links duplicate layers). */
export function resolveTarMember(members: Map<string, TarMember>, name: string): TarMember | undefined {
  let current = normalizeMemberName(name);
  for (let hop = 0; hop < 40; hop++) {
    const member = members.get(current);
    if (!member) return undefined;
    if (member.kind === 'file') return member;
    if (member.kind === 'hardlink') current = normalizeMemberName(member.linkName ?? '');
    else if (member.kind === 'symlink') {
      const target = member.linkName ?? '';
      const dir = current.split('/').slice(0, -1).join('/');
      current = normalizeMemberName(target.startsWith('/') ? target : `${dir}/${target}`);
    } else return undefined;
  }
  return undefined;
}
