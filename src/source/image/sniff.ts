/** @module Recognises an image archive by its content: an OCI layout folder, a docker-archive or an oci-archive. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { isGzip, readFileHead } from '../../archive/file-head.js';
import { indexTarFile, normalizeMemberName } from './tar-index.js';

export type ImageArchiveKind = 'docker-archive' | 'oci-archive' | 'oci-dir';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function kindFromNames(names: ReadonlySet<string>): ImageArchiveKind | undefined {
  if (names.has('manifest.json')) return 'docker-archive';
  if (names.has('oci-layout') && names.has('index.json')) return 'oci-archive';
  return undefined;
}

/** The member names at the top of a gzip-compressed tar (streamed, not stored); undefined when it is not one. */
async function gzipTarTopNames(path: string): Promise<Set<string> | undefined> {
  const names = new Set<string>();
  const extract = tar.extract();
  const piping = pipeline(createReadStream(path), createGunzip(), extract);
  piping.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const name = normalizeMemberName(entry.header.name);
      if (!name.includes('/')) names.add(name);
      for await (const _chunk of entry) {
        // Only the names matter.
      }
      // manifest.json settles it; no need to read the rest.
      if (names.has('manifest.json')) {
        extract.destroy();
        break;
      }
    }
    if (!names.has('manifest.json')) await piping;
    return names;
  } catch {
    return undefined;
  }
}

/** What kind of image archive a path holds, or undefined when it is none (or cannot be read). */
export async function sniffImageArchive(path: string): Promise<ImageArchiveKind | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return undefined;
  }
  if (info.isDirectory()) {
    return (await isFile(join(path, 'oci-layout'))) && (await isFile(join(path, 'index.json'))) ? 'oci-dir' : undefined;
  }
  if (!info.isFile()) return undefined;
  try {
    if (isGzip(await readFileHead(path, 2))) {
      const names = await gzipTarTopNames(path);
      return names ? kindFromNames(names) : undefined;
    }
    const members = await indexTarFile(path);
    return kindFromNames(new Set(members.keys()));
  } catch {
    return undefined;
  }
}
