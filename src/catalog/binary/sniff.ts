/**
 * @module Choosing executables by content: the `sniff` both binary catalogers share.
 * @see ../cataloger.ts
 */
import type { Cataloger, SniffCandidate } from '../cataloger.js';
import { executableFormatOf } from './executable.js';

/**
 * File names that are never executables worth opening: sources, scripts, documents, data and
 * archives. A Go or Rust program carries no extension on Unix, or .exe on Windows.
 */
const notProgram =
  /\.(?:js|mjs|cjs|ts|map|json|ya?ml|toml|lock|xml|html?|css|md|txt|rst|py|pyc|pyi|rb|pl|pm|php|java|class|jar|go|rs|c|h|cc|cpp|hpp|sh|bash|png|jpe?g|gif|svg|ico|gz|zip|tar|tgz|xz|bz2|zst|whl|egg|mo|po|pem|crt|conf|cfg|ini|csv|log)$/i;

/** Larger files are not read: a binary cataloger holds the whole file in memory. */
export const maxExecutableSize = 512 * 1024 * 1024;

/**
 * A file worth opening: a regular file with an execute bit, or a Windows executable by name
 * (file systems copied from Windows, or zips, rarely keep the bits); at most 512 MB.
 */
export function isExecutableCandidate(file: SniffCandidate): boolean {
  // Decided by name first, so a walk need not stat the many files that are plainly not programs.
  if (notProgram.test(file.path)) return false;
  const windowsName = /\.exe$/i.test(file.path);
  if (!windowsName && (file.mode & 0o111) === 0) return false;
  return file.size > 0 && file.size <= maxExecutableSize;
}

export const executableSniff = {
  headerBytes: 8,
  candidate: isExecutableCandidate,
  test: (header: Buffer) => executableFormatOf(header) !== undefined,
} satisfies NonNullable<Cataloger['sniff']>;
