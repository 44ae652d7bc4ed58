/**
 * @module Choosing executables by content: the `sniff` both binary catalogers share.
 * @see ../cataloger.ts
 */
import type { Cataloger, SniffCandidate } from '../cataloger.js';
import { executableFormatOf } from './executable.js';

/** Larger files are not read: a binary cataloger holds the whole file in memory. */
export const maxExecutableSize = 512 * 1024 * 1024;

/**
 * A file worth opening: a regular file with an execute bit, or a Windows executable by name
 * (file systems copied from Windows, or zips, rarely keep the bits); at most 512 MB.
 */
export function isExecutableCandidate(file: SniffCandidate): boolean {
  const windowsName = /\.exe$/i.test(file.path);
  if (!windowsName && (file.mode & 0o111) === 0) return false;
  return file.size > 0 && file.size <= maxExecutableSize;
}

export const executableSniff = {
  headerBytes: 8,
  candidate: isExecutableCandidate,
  test: (header: Buffer) => executableFormatOf(header) !== undefined,
} satisfies NonNullable<Cataloger['sniff']>;
