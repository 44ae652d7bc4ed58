/**
 * @module Finds which Linux distribution a target is, from os-release or its older fallbacks.
 * @see https://www.freedesktop.org/software/systemd/man/latest/os-release.html
 */
import type { Distro } from '../../model/distro.js';
import type { FileTree } from '../../source/file-tree.js';
import { parseAlpineRelease, parseDebianVersion, parseOsRelease, parseRedHatRelease } from './parse.js';

type ReleaseParser = (text: string, source: string) => Distro | undefined;

/** Tried in order; the first file that exists and parses wins. */
export const releaseFiles: ReadonlyArray<readonly [string, ReleaseParser]> = [
  ['/etc/os-release', parseOsRelease],
  ['/usr/lib/os-release', parseOsRelease],
  ['/etc/alpine-release', parseAlpineRelease],
  ['/etc/debian_version', parseDebianVersion],
  ['/etc/redhat-release', parseRedHatRelease],
  ['/etc/system-release', parseRedHatRelease],
];

/** Release files are a few hundred bytes; anything much larger is not one. */
const MAX_RELEASE_FILE_BYTES = 64 * 1024;

export async function detectDistro(tree: FileTree): Promise<Distro | undefined> {
  for (const [path, parse] of releaseFiles) {
    const file = await tree.lookup(path);
    if (!file || file.size > MAX_RELEASE_FILE_BYTES) continue;
    let text: string;
    try {
      text = (await tree.readFile(file)).toString('utf8');
    } catch {
      continue;
    }
    const distro = parse(text, path);
    if (distro) return distro;
  }
  return undefined;
}

export const releaseFilePaths = releaseFiles.map(([path]) => path);
