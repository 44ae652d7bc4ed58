/**
 * @module Choosing executables by content: the `sniff` both binary catalogers share.
 * @see ../cataloger.ts
 */
import type { Cataloger, SniffCandidate } from '../cataloger.js';
import { executableFormatOf } from './executable.js';

/**
 * File names that are never executables worth opening: sources, scripts, documents, data,
 * archives, and the build and runtime files that fill a host's /usr/lib (Erlang .beam and .app,
 * LLVM bitcode, static libraries, Java modules, pkg-config and systemd units…). A Go or Rust
 * program carries no extension on Unix, or .exe on Windows; a shared library ends in .so or a
 * version number, and stays a candidate. Each name ruled out here is one stat fewer on a walk.
 */
const notProgram =
  /\.(?:js|mjs|cjs|ts|map|json|ya?ml|toml|lock|xml|html?|css|md|txt|rst|py|pyc|pyi|typed|rb|pl|pm|ph|php|java|class|jar|jmod|properties|go|mod|rs|c|h|cc|cpp|hpp|hrl|sh|bash|cmake|in|png|jpe?g|gif|svg|ico|gz|zip|tar|tgz|xz|bz2|zst|whl|egg|mo|po|pem|crt|conf|cfg|ini|csv|log|beam|app|bc|a|pc|service|target|socket|timer|ejs|manifest|gitignore)$/i;

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
