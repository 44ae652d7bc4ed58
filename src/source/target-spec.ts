/** @module What the user named as a target, before it is opened. */
import { VigilError } from '../errors.js';

export type ImageArchiveKind = 'docker-archive' | 'oci-archive' | 'oci-dir';

export type TargetSpec =
  | { kind: 'directory'; path: string }
  | { kind: ImageArchiveKind; path: string }
  /** A zip archive: a function deployment package, read with the layers given beside it. */
  | { kind: 'zip'; path: string }
  /** One file read as itself: a binary, a jar, a wheel. */
  | { kind: 'file'; path: string }
  /** A plain path: its kind is decided by looking at it. */
  | { kind: 'auto'; path: string };

const prefixes = ['dir', 'docker-archive', 'oci-archive', 'oci-dir', 'zip', 'file'] as const;

/** Parses `docker-archive:PATH`, `oci-archive:PATH`, `oci-dir:PATH`, `zip:PATH`, `file:PATH`, `dir:PATH` or a plain path. */
export function parseTargetSpec(input: string): TargetSpec {
  if (input.trim() === '') throw new VigilError('INVALID_ARGUMENT', 'the target is empty: name a directory or an image archive');
  for (const prefix of prefixes) {
    if (input.startsWith(`${prefix}:`)) {
      const path = input.slice(prefix.length + 1);
      if (path === '') throw new VigilError('INVALID_ARGUMENT', `${prefix}: needs a path after the colon`);
      return prefix === 'dir' ? { kind: 'directory', path } : { kind: prefix, path };
    }
  }
  return { kind: 'auto', path: input };
}
