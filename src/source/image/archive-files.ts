/**
 * @module The files of an image archive, by name, whether the archive is a folder, a tar or a
 * gzip-compressed tar (which is first decompressed into the private temporary folder).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { isGzip, readFileHead } from '../../archive/file-head.js';
import { VigilError } from '../../errors.js';
import { hostError } from '../directory.js';
import { indexTarFile, normalizeMemberName, openTarMember, resolveTarMember } from './tar-index.js';

/** Read access to the named files of an image archive. Names are relative, '/'-separated. */
export interface ArchiveFiles {
  /** The size of a file, or undefined when the archive has none by that name. */
  size(name: string): Promise<number | undefined>;
  open(name: string): Readable;
  /** What the archive is called in messages. */
  readonly label: string;
}

/** Largest JSON document (index, manifest, config) read into memory. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

/** Reads a whole small file, refusing anything over `limit` bytes. */
export async function readSmallFile(files: ArchiveFiles, name: string, limit = MAX_JSON_BYTES): Promise<Buffer> {
  const size = await files.size(name);
  if (size === undefined) throw new VigilError('TARGET_CORRUPT', `${files.label} has no ${name}`);
  if (size > limit) throw new VigilError('TARGET_CORRUPT', `${files.label}: ${name} is ${size} bytes, too large to be image metadata`);
  const chunks: Buffer[] = [];
  for await (const chunk of files.open(name)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The files of an OCI image layout folder. */
export function folderFiles(root: string): ArchiveFiles {
  const hostPath = (name: string) => join(root, ...normalizeMemberName(name).split('/'));
  return {
    label: root,
    async size(name) {
      try {
        const info = await stat(hostPath(name));
        return info.isFile() ? info.size : undefined;
      } catch {
        return undefined;
      }
    },
    open(name) {
      return createReadStream(hostPath(name), { highWaterMark: 256 * 1024 });
    },
  };
}


/**
 * The members of a tar archive. A gzip-compressed one is decompressed into `tempDir` first; an
 * uncompressed one is read in place, member by member.
 */
export async function tarFiles(path: string, tempDir: string): Promise<ArchiveFiles> {
  let tarPath = path;
  try {
    if (isGzip(await readFileHead(path, 2))) {
      tarPath = join(tempDir, 'outer-archive.tar');
      try {
        await pipeline(createReadStream(path), createGunzip(), createWriteStream(tarPath, { mode: 0o600 }));
      } catch (error) {
        throw new VigilError('TARGET_CORRUPT', `${path} is a damaged gzip file: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    if (error instanceof VigilError) throw error;
    throw hostError(path, error);
  }
  const members = await indexTarFile(tarPath, path);
  return {
    label: path,
    async size(name) {
      return resolveTarMember(members, name)?.size;
    },
    open(name) {
      const member = resolveTarMember(members, name);
      if (!member) throw new VigilError('TARGET_CORRUPT', `${path} has no ${name}`);
      return openTarMember(tarPath, member);
    },
  };
}
